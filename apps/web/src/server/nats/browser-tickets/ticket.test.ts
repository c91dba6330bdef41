import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { TICKET_MAX_LIFETIME_MS } from "@fleet/contracts";
import { verifyBrowserTicket } from "@fleet/identity";
import { describe, expect, it } from "vitest";
import { isSessionOverError, mintBrowserTicket } from "./ticket";

const { privateKey } = generateKeyPairSync("ed25519");
const publicKey = createPublicKey(privateKey);
const sessionId = "s3ss10n-1d-0123456789";
const now = Date.parse("2026-11-30T10:00:00Z");
const hour = 3600_000;

describe("browser ticket - minting", () => {
  it("lives 15 minutes, carries the session and role, and the identity service accepts it", async () => {
    const { ticket, expiresAt } = await mintBrowserTicket(
      { sessionId, role: "viewer", sessionExpiresAt: now + hour },
      privateKey,
      now,
    );
    expect(expiresAt).toBe(now + TICKET_MAX_LIFETIME_MS);
    expect(await verifyBrowserTicket(ticket, publicKey, now)).toStrictEqual({
      sessionId,
      role: "viewer",
      expiresAt,
    });
  });

  it("never outlives the session", async () => {
    const end = now + 5 * 60_000 + 500;
    const { expiresAt } = await mintBrowserTicket(
      { sessionId, role: "deployer", sessionExpiresAt: end },
      privateKey,
      now,
    );
    expect(expiresAt).toBeLessThanOrEqual(end);
    expect(expiresAt).toBe(now + 5 * 60_000);
  });

  it("refuses to mint for a session that is over, or for what is not a session id", async () => {
    const error = await mintBrowserTicket(
      { sessionId, role: "viewer", sessionExpiresAt: now },
      privateKey,
      now,
    ).catch((e: unknown) => e);
    expect(isSessionOverError(error)).toBe(true);
    await expect(
      mintBrowserTicket(
        { sessionId: "x", role: "viewer", sessionExpiresAt: now + hour },
        privateKey,
      ),
    ).rejects.toThrow(/session id/);
  });
});

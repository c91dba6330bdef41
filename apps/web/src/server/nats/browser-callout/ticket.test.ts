import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  isTicketRefusedError,
  mintBrowserTicket,
  TICKET_MAX_LENGTH,
  TICKET_MAX_LIFETIME_MS,
  verifyBrowserTicket,
} from "./ticket";

const { privateKey } = generateKeyPairSync("ed25519");
const publicKey = createPublicKey(privateKey);
const sessionId = "s3ss10n-1d-0123456789";
const now = Date.parse("2026-11-30T10:00:00Z");
const hour = 3600_000;

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isTicketRefusedError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.message;
}

describe("browser ticket - minting", () => {
  it("lives 15 minutes and carries the session and role", async () => {
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

  it("refuses to mint for a session that is over", async () => {
    expect(
      await refusal(
        mintBrowserTicket({ sessionId, role: "viewer", sessionExpiresAt: now }, privateKey, now),
      ),
    ).toMatch(/session is over/);
  });
});

describe("browser ticket - verification", () => {
  const mint = (at = now): Promise<{ ticket: string }> =>
    mintBrowserTicket({ sessionId, role: "viewer", sessionExpiresAt: at + hour }, privateKey, at);

  it("refuses an expired ticket", async () => {
    const { ticket } = await mint();
    expect(
      await refusal(verifyBrowserTicket(ticket, publicKey, now + TICKET_MAX_LIFETIME_MS)),
    ).toMatch(/ERR_JWT_EXPIRED/);
  });

  it("refuses a ticket signed by another key", async () => {
    const other = generateKeyPairSync("ed25519").privateKey;
    const { ticket } = await mintBrowserTicket(
      { sessionId, role: "viewer", sessionExpiresAt: now + hour },
      other,
      now,
    );
    expect(await refusal(verifyBrowserTicket(ticket, publicKey, now))).toMatch(
      /SIGNATURE_VERIFICATION_FAILED/,
    );
  });

  it("refuses a ticket whose signature covers other claims", async () => {
    const { ticket } = await mint();
    const [header, , signature] = ticket.split(".");
    const forged = Buffer.from(
      JSON.stringify({ sub: sessionId, role: "deployer", iat: now / 1000, exp: now / 1000 + 60 }),
    ).toString("base64url");
    expect(
      await refusal(
        verifyBrowserTicket(`${String(header)}.${forged}.${String(signature)}`, publicKey, now),
      ),
    ).toMatch(/SIGNATURE_VERIFICATION_FAILED/);
  });

  it("refuses a correctly signed token that lives longer than 15 minutes", async () => {
    const long = await new SignJWT({ role: "viewer" })
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer("fleet-dashboard")
      .setAudience("fleet-nats-browser")
      .setSubject(sessionId)
      .setIssuedAt(now / 1000)
      .setExpirationTime(now / 1000 + 3600)
      .sign(privateKey);
    expect(await refusal(verifyBrowserTicket(long, publicKey, now))).toMatch(/15 minutes/);
  });

  it("refuses a token for another audience, and one with an unknown role", async () => {
    const signed = (audience: string, role: string): Promise<string> =>
      new SignJWT({ role })
        .setProtectedHeader({ alg: "EdDSA" })
        .setIssuer("fleet-dashboard")
        .setAudience(audience)
        .setSubject(sessionId)
        .setIssuedAt(now / 1000)
        .setExpirationTime(now / 1000 + 60)
        .sign(privateKey);
    expect(
      await refusal(verifyBrowserTicket(await signed("kubernetes", "viewer"), publicKey, now)),
    ).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED/);
    expect(
      await refusal(
        verifyBrowserTicket(await signed("fleet-nats-browser", "admin"), publicKey, now),
      ),
    ).toMatch(/unexpected claims/);
  });

  it("refuses an oversized or malformed token without parsing it", async () => {
    expect(
      await refusal(verifyBrowserTicket("x".repeat(TICKET_MAX_LENGTH + 1), publicKey, now)),
    ).toMatch(/too long/);
    expect(await refusal(verifyBrowserTicket("not-a-jwt", publicKey, now))).toMatch(
      /ticket refused/,
    );
  });
});

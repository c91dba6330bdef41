import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { TICKET_MAX_LENGTH, TICKET_MAX_LIFETIME_MS } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { signTestTicket } from "../testing/browser-ticket.js";
import { isTicketRefusedError, verifyBrowserTicket } from "./ticket.js";

const { privateKey } = generateKeyPairSync("ed25519");
const publicKey = createPublicKey(privateKey);
const sessionId = "s3ss10n-1d-0123456789";
const now = Date.parse("2026-11-30T10:00:00Z");

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isTicketRefusedError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.message;
}

describe("browser ticket - verification", () => {
  it("accepts a ticket of the dashboard's key, with its session, role and end", async () => {
    const ticket = await signTestTicket({ sessionId, role: "deployer", issuedAt: now }, privateKey);
    expect(await verifyBrowserTicket(ticket, publicKey, now)).toStrictEqual({
      sessionId,
      role: "deployer",
      expiresAt: now + TICKET_MAX_LIFETIME_MS,
    });
  });

  it("refuses an expired ticket", async () => {
    const ticket = await signTestTicket({ sessionId, issuedAt: now }, privateKey);
    expect(
      await refusal(verifyBrowserTicket(ticket, publicKey, now + TICKET_MAX_LIFETIME_MS)),
    ).toMatch(/ERR_JWT_EXPIRED/);
  });

  it("refuses a ticket signed by another key", async () => {
    const other = generateKeyPairSync("ed25519").privateKey;
    const ticket = await signTestTicket({ sessionId, issuedAt: now }, other);
    expect(await refusal(verifyBrowserTicket(ticket, publicKey, now))).toMatch(
      /SIGNATURE_VERIFICATION_FAILED/,
    );
  });

  it("refuses a ticket whose signature covers other claims", async () => {
    const ticket = await signTestTicket({ sessionId, issuedAt: now }, privateKey);
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
    const long = await signTestTicket(
      { sessionId, issuedAt: now, lifetimeMs: 3600_000 },
      privateKey,
    );
    expect(await refusal(verifyBrowserTicket(long, publicKey, now))).toMatch(/15 minutes/);
  });

  it("refuses a ticket issued in the future", async () => {
    const ahead = await signTestTicket({ sessionId, issuedAt: now + 120_000 }, privateKey);
    expect(await refusal(verifyBrowserTicket(ahead, publicKey, now))).toMatch(/future/);
  });

  it("refuses a token for another audience or issuer, and one with an unknown role", async () => {
    const signed = (input: { audience?: string; issuer?: string; role?: string }) =>
      signTestTicket({ sessionId, issuedAt: now, ...input }, privateKey);
    expect(
      await refusal(verifyBrowserTicket(await signed({ audience: "kubernetes" }), publicKey, now)),
    ).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED/);
    expect(
      await refusal(verifyBrowserTicket(await signed({ issuer: "someone" }), publicKey, now)),
    ).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED/);
    expect(
      await refusal(verifyBrowserTicket(await signed({ role: "admin" }), publicKey, now)),
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

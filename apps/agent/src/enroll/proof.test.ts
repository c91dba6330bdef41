import { generateKeyPairSync } from "node:crypto";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { PROOF_LIFETIME_SECONDS, signEnrollmentProof } from "./proof.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const statusUrl = "https://fleet.example:8443/v1/enrollments/status";

describe("enroll - the status proof", () => {
  it("enroll - RS256 by the device's key: iss = sub = device id, aud = the status URL, short-lived, unique", async () => {
    const now = Date.parse("2026-11-30T10:00:00Z");
    const proof = await signEnrollmentProof(privateKey, "pi-1", statusUrl, now);
    expect(decodeProtectedHeader(proof).alg).toBe("RS256");
    const { payload } = await jwtVerify(proof, publicKey, {
      issuer: "pi-1",
      subject: "pi-1",
      audience: statusUrl,
      currentDate: new Date(now),
    });
    expect(payload.exp).toBe((payload.iat ?? 0) + PROOF_LIFETIME_SECONDS);
    const again = await signEnrollmentProof(privateKey, "pi-1", statusUrl, now);
    expect(
      (await jwtVerify(again, publicKey, { currentDate: new Date(now) })).payload.jti,
    ).not.toBe(payload.jti);
  });

  it("enroll - another key's signature does not verify", async () => {
    const proof = await signEnrollmentProof(other.privateKey, "pi-1", statusUrl);
    await expect(jwtVerify(proof, publicKey)).rejects.toThrow(/signature/);
  });
});

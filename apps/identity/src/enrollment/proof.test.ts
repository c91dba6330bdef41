import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { verifyEnrollmentProof } from "./proof.js";

const AUD = "https://enroll.example/v1/enrollments/status";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

function sign(
  claims: { iss?: string; sub?: string; aud?: string; iat?: number; exp?: number },
  key: KeyObject = privateKey,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const iat = claims.iat ?? now;
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256" })
    .setIssuer(claims.iss ?? "pi")
    .setSubject(claims.sub ?? "pi")
    .setAudience(claims.aud ?? AUD)
    .setIssuedAt(iat)
    .setExpirationTime(claims.exp ?? iat + 60)
    .sign(key);
}

async function refusal(proof: Promise<string>): Promise<string> {
  return verifyEnrollmentProof(await proof, "pi", publicKey, AUD).then(
    () => "accepted",
    (error: unknown) => (error as Error).message,
  );
}

describe("enrollment - status proof", () => {
  it("accepts a fresh proof by the enrolled key for this device and this server", async () => {
    expect(await refusal(sign({}))).toBe("accepted");
  });

  it("refuses another key, device, audience, and says which", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    expect(await refusal(sign({}, other))).toBe(
      "proof: is not signed by the key this device enrolled with",
    );
    expect(await refusal(sign({ iss: "other", sub: "other" }))).toBe(
      "proof: must have iss and sub = the device id",
    );
    expect(await refusal(sign({ aud: "https://elsewhere/v1/enrollments/status" }))).toBe(
      `proof: must have the audience ${AUD}`,
    );
    expect(await refusal(Promise.resolve("not.a.jwt"))).toBe("proof: is not a valid JWT");
  });

  it("refuses a proof that lives over five minutes, has expired, or comes from the future", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(sign({ iat: now, exp: now + 301 }))).toBe(
      "proof: must expire at most 300 s after it was issued (iat)",
    );
    expect(await refusal(sign({ iat: now - 200, exp: now - 100 }))).toBe(
      "proof: has expired; sign a fresh one",
    );
    expect(await refusal(sign({ iat: now + 120, exp: now + 180 }))).toContain("iat");
  });
});

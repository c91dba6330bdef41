// The proof a waiting device sends with each status check: a JWT signed with
// its enrollment key (RS256, iss = sub = device id, aud = the status URL), so
// only the holder of the key whose public half was enrolled learns the
// identity issued for it. Short-lived and unique (jti), so a captured proof is
// of little use to anyone else.
import { randomUUID, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";

/** Each check signs a fresh proof; the server accepts at most 5 minutes. */
export const PROOF_LIFETIME_SECONDS = 60;

export async function signEnrollmentProof(
  privateKey: KeyObject,
  deviceId: string,
  statusUrl: string,
  nowMs: number = Date.now(),
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setIssuer(deviceId)
    .setSubject(deviceId)
    .setAudience(statusUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + PROOF_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(privateKey);
}

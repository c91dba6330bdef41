// The JWT a machine user signs with its private key to ask for an access token
// (RFC 7523, as Zitadel's "JWT profile" expects it): iss = sub = user id,
// aud = the issuer, header kid = the key id, RS256.
import { createPrivateKey, randomUUID } from "node:crypto";
import type { ZitadelKey } from "@fleet/contracts";
import { SignJWT } from "jose";

/** Short: an assertion is used at once; Zitadel and the local IdP accept at most an hour. */
export const ASSERTION_LIFETIME_SECONDS = 5 * 60;

export async function signJwtProfileAssertion(
  key: ZitadelKey,
  issuer: string,
  nowMs: number = Date.now(),
  lifetimeSeconds: number = ASSERTION_LIFETIME_SECONDS,
): Promise<string> {
  // node:crypto reads Zitadel's PKCS#1 key as well as PKCS#8.
  const privateKey = createPrivateKey(key.key);
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", kid: key.keyId })
    .setIssuer(key.userId)
    .setSubject(key.userId)
    .setAudience(issuer)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetimeSeconds)
    .setJti(randomUUID())
    .sign(privateKey);
}

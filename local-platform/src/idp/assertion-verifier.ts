// Checks a machine user's JWT assertion the way Zitadel does for the JWT-profile
// grant: signed (RS256) by a registered, unexpired key of that user (header
// kid = key id), iss = sub = the user id, aud = this issuer, exp in the future
// and at most an hour away, iat not in the future, and the user active.
import { createPublicKey } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import type { MachineUserStore } from "./machine-users.js";

/** Zitadel refuses assertions that live longer than this. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
/** Clock difference tolerated between a device and the IdP. */
export const CLOCK_SKEW_SECONDS = 30;

/** Why an assertion was refused; becomes `invalid_grant` with this description. */
export class AssertionRefused extends Error {
  override readonly name = "AssertionRefused";
}

function claimsOf(assertion: string): { kid: string; userId: string } {
  try {
    const header = decodeProtectedHeader(assertion);
    const payload = decodeJwt(assertion);
    if (typeof header.kid !== "string" || header.kid === "")
      throw new AssertionRefused("assertion header has no kid (the key id)");
    if (typeof payload.iss !== "string" || payload.iss === "")
      throw new AssertionRefused("assertion has no iss (the user id)");
    return { kid: header.kid, userId: payload.iss };
  } catch (error) {
    if (error instanceof AssertionRefused) throw error;
    throw new AssertionRefused("assertion is not a JWT");
  }
}

/** The user id the assertion proves; throws AssertionRefused naming what is wrong. */
export async function verifyAssertion(
  store: MachineUserStore,
  issuer: string,
  assertion: string,
): Promise<string> {
  const { kid, userId } = claimsOf(assertion);
  const user = store.user(userId);
  if (!user) throw new AssertionRefused(`machine user ${userId} not found`);
  const key = store.activeKey(userId, kid);
  if (!key) throw new AssertionRefused(`key ${kid} is not an active key of machine user ${userId}`);
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, createPublicKey(key.publicKey), {
      algorithms: ["RS256"],
      issuer: userId,
      subject: userId,
      audience: issuer,
      requiredClaims: ["iss", "sub", "aud", "exp", "iat"],
      clockTolerance: CLOCK_SKEW_SECONDS,
    }));
  } catch (error) {
    throw new AssertionRefused(describeJoseError(error, issuer, userId));
  }
  const now = Date.now() / 1000;
  if ((payload.exp ?? 0) > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS)
    throw new AssertionRefused(
      `assertion expires more than ${MAX_ASSERTION_LIFETIME_SECONDS} s from now`,
    );
  if ((payload.iat ?? 0) > now + CLOCK_SKEW_SECONDS)
    throw new AssertionRefused("assertion is issued in the future (iat)");
  // Checked after the signature, so only the key's holder learns the user's state.
  if (!user.active) throw new AssertionRefused(`machine user ${userId} is not active`);
  return userId;
}

function describeJoseError(error: unknown, issuer: string, userId: string): string {
  if (error instanceof joseErrors.JWTExpired) return "assertion has expired";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return `assertion signature does not verify with key of machine user ${userId}`;
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return `assertion audience must be the issuer ${issuer}`;
    if (error.claim === "sub" || error.claim === "iss")
      return "assertion iss and sub must both be the user id";
    return `assertion claim ${error.claim} is invalid: ${error.reason}`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "assertion must be signed with RS256";
  return "assertion is invalid";
}

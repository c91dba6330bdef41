// The proof a waiting device sends with each status request: a JWT signed
// (RS256) with the private half of the key it enrolled, iss = sub = its
// device id, aud = this server's status URL, and a lifetime of at most five
// minutes. Only the holder of that key learns the identity issued for it.
import type { KeyObject } from "node:crypto";
import { ENROLLMENT_PROOF_MAX_LIFETIME_SECONDS } from "@fleet/contracts";
import { errors as joseErrors, jwtVerify } from "jose";
import { EnrollmentRefusal } from "./refusal.js";

/** Clock difference tolerated between a device and this server. */
export const PROOF_CLOCK_SKEW_SECONDS = 30;

function describeJoseError(error: unknown, audience: string): string {
  if (error instanceof joseErrors.JWTExpired) return "has expired; sign a fresh one";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return "is not signed by the key this device enrolled with";
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "must be signed with RS256";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return `must have the audience ${audience}`;
    if (error.claim === "iss" || error.claim === "sub")
      return "must have iss and sub = the device id";
    return `claim ${error.claim} is invalid: ${error.reason}`;
  }
  return "is not a valid JWT";
}

/** Resolves if `proof` proves possession of `key` for `deviceId`; otherwise a 401 saying why. */
export async function verifyEnrollmentProof(
  proof: string,
  deviceId: string,
  key: KeyObject,
  audience: string,
): Promise<void> {
  let payload;
  try {
    ({ payload } = await jwtVerify(proof, key, {
      algorithms: ["RS256"],
      issuer: deviceId,
      subject: deviceId,
      audience,
      requiredClaims: ["iss", "sub", "aud", "iat", "exp"],
      clockTolerance: PROOF_CLOCK_SKEW_SECONDS,
    }));
  } catch (error) {
    throw new EnrollmentRefusal(401, `proof: ${describeJoseError(error, audience)}`);
  }
  const iat = payload.iat ?? 0;
  const exp = payload.exp ?? 0;
  if (exp - iat > ENROLLMENT_PROOF_MAX_LIFETIME_SECONDS)
    throw new EnrollmentRefusal(
      401,
      `proof: must expire at most ${ENROLLMENT_PROOF_MAX_LIFETIME_SECONDS} s after it was issued (iat)`,
    );
  if (iat > Date.now() / 1000 + PROOF_CLOCK_SKEW_SECONDS)
    throw new EnrollmentRefusal(
      401,
      "proof: is issued in the future (iat); check the device's clock",
    );
}

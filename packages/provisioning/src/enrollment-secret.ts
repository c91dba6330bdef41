// Enrollment tokens are stored hashed: the EnrollmentToken CR keeps only
// `sha256:<64 hex>` of the token's secret, so reading the CR (a viewer may)
// never yields a usable token. The secret is 32 random bytes, so a plain
// SHA-256 is enough (no password stretching is needed against guessing), and
// the comparison is timing-safe so a caller cannot learn the hash byte by byte.
import { createHash, timingSafeEqual } from "node:crypto";

const HASH_PREFIX = "sha256:";
const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
/** A longer secret is never one we issued; refuse to hash unbounded input. */
const MAX_SECRET_LENGTH = 256;

function digestOf(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** `sha256:<64 hex>` of an enrollment token's secret, as EnrollmentToken.spec.secretHash holds it. */
export function hashEnrollmentSecret(secret: string): string {
  if (secret.length === 0) throw new Error("the enrollment secret is empty");
  if (secret.length > MAX_SECRET_LENGTH)
    throw new Error(`the enrollment secret is longer than ${MAX_SECRET_LENGTH} characters`);
  return HASH_PREFIX + digestOf(secret).toString("hex");
}

/**
 * Whether `secret` is the one `hash` was made from. Timing-safe; a malformed
 * hash, an empty or oversized secret never matches (and never throws, so a
 * caller cannot tell those apart from a wrong secret).
 */
export function enrollmentSecretMatches(secret: string, hash: string): boolean {
  if (!HASH_PATTERN.test(hash)) return false;
  if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return false;
  const expected = Buffer.from(hash.slice(HASH_PREFIX.length), "hex");
  return timingSafeEqual(digestOf(secret), expected);
}

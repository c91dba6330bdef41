// The key a device enrolls with must be one the IdP will take for the
// JWT-profile grant (RS256): an RSA public key of at least 2048 bits.
import { createPublicKey, type KeyObject } from "node:crypto";
import { EnrollmentRefusal } from "./refusal.js";

export const MIN_RSA_BITS = 2048;

/** The key, or a 400 naming publicKey and what is wrong with it. */
export function enrollmentPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new EnrollmentRefusal(400, "publicKey: is not a readable PEM public key");
  }
  if (key.asymmetricKeyType !== "rsa")
    throw new EnrollmentRefusal(
      400,
      `publicKey: must be an RSA key (got ${key.asymmetricKeyType ?? "an unknown type"})`,
    );
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw new EnrollmentRefusal(
      400,
      `publicKey: must have at least ${MIN_RSA_BITS} bits (got ${bits})`,
    );
  return key;
}

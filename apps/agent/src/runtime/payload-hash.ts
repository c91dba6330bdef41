// The drift test's fingerprint: equal hash ⇔ equal payload, byte for byte. A
// runtime marks what it creates with the hash of the desired-state value it
// was made from (the container label io.nationtech.fleet.payload-hash).
import { createHash } from "node:crypto";

/** sha256 of the exact KV value bytes. */
export function payloadHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

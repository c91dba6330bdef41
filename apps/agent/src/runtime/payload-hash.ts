// The drift test's fingerprints. A runtime marks what it creates with the
// workload hash of the desired-state entry it was made from (the container
// label io.nationtech.fleet.payload-hash): equal hash ⇔ the same workload.
// The entry's revision and generation only number a version of the
// Deployment, so they are left out: an entry that changes only those (a
// revision renumbered, a rollout writing the same score under a new number)
// keeps what runs running. The exact bytes' hash tells a new entry from a
// repeated one (phases, retries) and is what agents before revisions marked
// containers with, so a container so marked still counts as current.
import { createHash } from "node:crypto";
import { canonicalJson, type DesiredStateEntry } from "@fleet/contracts";

const sha256 = (data: Uint8Array | string): string =>
  createHash("sha256").update(data).digest("hex");

/** sha256 of the exact KV value bytes. */
export function payloadHash(bytes: Uint8Array): string {
  return sha256(bytes);
}

/** sha256 of the entry's canonical JSON without its revision and its deployment's generation. */
export function workloadHash(entry: DesiredStateEntry): string {
  const { revision: _revision, deployment, ...rest } = entry;
  const { generation: _generation, ...identity } = deployment;
  return sha256(canonicalJson({ ...rest, deployment: identity }));
}

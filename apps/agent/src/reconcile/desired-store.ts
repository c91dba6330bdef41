// What the KV says this device should run, as last seen by the watch. Values
// are decoded once on arrival; a payload that fails is kept as "invalid" with
// its error, so the deployment can be reported Failed instead of vanishing.
import {
  decodeDesiredState,
  desiredStateEntrySchema,
  isPayloadError,
  parseDesiredStateKey,
  type DesiredStateEntry,
} from "@fleet/contracts";
import { z } from "zod";
import { DesiredStateMismatchError, messageOf } from "../errors.js";
import { payloadHash, workloadHash } from "../runtime/payload-hash.js";

interface Common {
  bytes: Uint8Array;
  /** sha256 of the exact bytes: a new hash is a new desired state. */
  hash: string;
  /** The entry's revision (see contracts' rollout.ts), reported with the phase; undefined when it has none. */
  revision: number | undefined;
}
export type Desired =
  | (Common & {
      kind: "valid";
      entry: DesiredStateEntry;
      /** What runs for it is marked with this (runtime/payload-hash.ts). */
      workloadHash: string;
    })
  | (Common & { kind: "invalid"; error: string });

const revisionOnly = z.object({ revision: desiredStateEntrySchema.shape.revision });

/**
 * The revision of a payload that failed to decode, when its own `revision`
 * field is sound: the device then says which revision it could not use (an
 * unknown score kind from a newer operator fails that revision's rollout at
 * once instead of at its timeout).
 */
function revisionOfInvalid(bytes: Uint8Array): number | undefined {
  try {
    const parsed = revisionOnly.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data.revision : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a KV value; never throws, an undecodable one comes back "invalid". */
export function decodeDesired(key: string, bytes: Uint8Array): Desired {
  const hash = payloadHash(bytes);
  try {
    const entry = decodeDesiredState(bytes);
    const { namespace, name } = parseDesiredStateKey(key);
    const named = entry.deployment;
    if (named.namespace !== namespace || named.name !== name) {
      throw new DesiredStateMismatchError(
        `payload names deployment ${named.namespace}/${named.name} but its key ${key} is for ${namespace}/${name}`,
      );
    }
    const workload = workloadHash(entry);
    return { kind: "valid", bytes, hash, revision: entry.revision, entry, workloadHash: workload };
  } catch (error) {
    // PayloadError messages already name the field, e.g. "score.PodmanV0.services[0].image: ...".
    const text = isPayloadError(error) ? error.message : messageOf(error);
    return { kind: "invalid", bytes, hash, revision: revisionOfInvalid(bytes), error: text };
  }
}

export class DesiredStore {
  readonly #entries = new Map<string, Desired>();
  /** Keys seen since the current snapshot began; undefined when no snapshot is in progress. */
  #seen: Set<string> | undefined;
  #synced = false;

  /** True once one full snapshot of the KV has been read: only then may the agent remove things. */
  get synced(): boolean {
    return this.#synced;
  }

  get(key: string): Desired | undefined {
    return this.#entries.get(key);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  put(key: string, bytes: Uint8Array): Desired {
    const desired = decodeDesired(key, bytes);
    this.#entries.set(key, desired);
    this.#seen?.add(key);
    return desired;
  }

  delete(key: string): void {
    this.#entries.delete(key);
    this.#seen?.add(key);
  }

  /** A (re)started watch is about to replay the KV's current values. */
  beginSnapshot(): void {
    this.#seen = new Set();
  }

  /** The replay is complete: forget keys it did not mention (deleted while we were away). */
  completeSnapshot(): string[] {
    const seen = this.#seen ?? new Set<string>();
    const gone = this.keys().filter((key) => !seen.has(key));
    for (const key of gone) this.#entries.delete(key);
    this.#seen = undefined;
    this.#synced = true;
    return gone;
  }
}

// The order in which a revision reaches devices, and which batch each device
// falls in. Ordering by a hash of (revision hash, device id) spreads every batch
// across the fleet (not "the first devices added"), keeps it stable for one
// revision whatever order the devices are listed in, and lets a joining device
// slot in without moving the others relative to each other.
import { matchesSelector, resolveQuantity, type RolloutBatch } from "@fleet/contracts";

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over the UTF-16 code units of `text` (cheap, well spread, no I/O). */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * MurmurHash3's 32-bit finalizer: FNV-1a alone barely stirs the high bits for
 * ids that differ only in their last characters (dev-10, dev-11, ...), which
 * would cluster such devices in one batch.
 */
export function mix32(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A device's place in a revision's order. */
export const orderKey = (seed: string, device: string): number =>
  mix32(fnv1a32(`${seed}/${device}`));

/** The devices in rollout order for a revision (seed = its score hash); ties by id. */
export function rolloutOrder(seed: string, devices: readonly string[]): string[] {
  const keyed = devices.map((device) => ({ device, key: orderKey(seed, device) }));
  keyed.sort((a, b) => a.key - b.key || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  return keyed.map((entry) => entry.device);
}

export interface BatchPlan {
  /** Members of each batch in rollout order; the left-over batch is last, present only when non-empty. */
  members: string[][];
  /** 0-based batch index of every device. */
  batchOf: ReadonlyMap<string, number>;
}

/**
 * Splits ordered devices into batches. Batch i takes, in order,
 * resolveQuantity(size, pool) devices among those not in an earlier batch,
 * where pool is every device (or every device matching the batch's selector:
 * the batch then takes only matching ones). Devices left over form a final
 * batch. One forward cursor serves the batches without a selector (they take a
 * prefix of what is left); each selector batch is one pass over the order.
 */
export function planBatches(
  batches: readonly RolloutBatch[],
  ordered: readonly string[],
  labelsOf: (device: string) => Readonly<Record<string, string>> | undefined,
): BatchPlan {
  const taken = new Uint8Array(ordered.length);
  const members: string[][] = [];
  let cursor = 0;
  for (const batch of batches) {
    const chosen: string[] = [];
    const selector = batch.selector;
    if (selector === undefined) {
      let want = resolveQuantity(batch, ordered.length);
      for (; cursor < ordered.length && want > 0; cursor++) {
        if (taken[cursor] === 1) continue;
        taken[cursor] = 1;
        chosen.push(ordered[cursor] as string);
        want--;
      }
    } else {
      const matching: number[] = [];
      for (let i = 0; i < ordered.length; i++) {
        if (matchesSelector(selector, labelsOf(ordered[i] as string))) matching.push(i);
      }
      let want = resolveQuantity(batch, matching.length);
      for (const i of matching) {
        if (want === 0) break;
        if (taken[i] === 1) continue;
        taken[i] = 1;
        chosen.push(ordered[i] as string);
        want--;
      }
    }
    members.push(chosen);
  }
  const leftOver: string[] = [];
  for (let i = 0; i < ordered.length; i++) {
    if (taken[i] === 0) leftOver.push(ordered[i] as string);
  }
  if (leftOver.length > 0) members.push(leftOver);
  const batchOf = new Map<string, number>();
  members.forEach((list, index) => {
    for (const device of list) batchOf.set(device, index);
  });
  return { members, batchOf };
}

// Reading a rollout's batches back out of its timeline: which devices formed
// each batch (the order they were first given the revision) and whether each
// batch ran the revision before the next one was given it.
import type { BatchStatus } from "@fleet/contracts";
import type { RolloutTimeline } from "./timeline.js";

/** The devices of each batch, by the order they were first given `revision` and the batch sizes. */
export function batchesOf(
  timeline: RolloutTimeline,
  revision: number,
  sizes: readonly number[],
): string[][] {
  const order = timeline.firstGiven(revision);
  const batches: string[][] = [];
  let start = 0;
  for (const size of sizes) {
    batches.push(order.slice(start, start + size));
    start += size;
  }
  return batches;
}

/**
 * For each pair of consecutive batches: the event where the last device of
 * the earlier batch first reported `revision` Running, and the event where the
 * first device of the later batch was given it. In order, the first is before
 * the second (both -1 when a device never did).
 */
export function handovers(
  timeline: RolloutTimeline,
  revision: number,
  batches: readonly (readonly string[])[],
): { lastRunning: number; firstGiven: number }[] {
  const pairs: { lastRunning: number; firstGiven: number }[] = [];
  for (let i = 0; i + 1 < batches.length; i++) {
    const running = (batches[i] ?? []).map((d) => timeline.firstRunning(d, revision));
    const given = (batches[i + 1] ?? []).map((d) => timeline.firstGivenAt(d, revision));
    pairs.push({
      lastRunning: running.includes(-1) ? -1 : Math.max(...running),
      firstGiven: given.includes(-1) ? -1 : Math.min(...given),
    });
  }
  return pairs;
}

/** [state, devices, updated, failed, deferred] per batch: one line to compare. */
export function batchCounts(
  batches: readonly BatchStatus[],
): [string, number, number, number, number][] {
  return batches.map((b) => [b.state, b.devices, b.updated, b.failed, b.deferred]);
}

// A batch as status.rollout shows it, and what counts as a transition (a
// change the operator records before writing any device).
import type { BatchState, BatchStatus, RolloutStatus } from "@fleet/contracts";
import type { BatchCounts } from "./judge.js";

/** A batch's recorded state while the planner works on it. */
export interface BatchRecord {
  state: BatchState;
  startedAt: string | undefined;
  finishedAt: string | undefined;
}

export const pendingBatch = (): BatchRecord => ({
  state: "Pending",
  startedAt: undefined,
  finishedAt: undefined,
});

/** True when the batch was judged at (or after) its timeout: its members still updating then count failed. */
function judgedAtTimeout(record: BatchRecord, timeoutMs: number): boolean {
  if (record.startedAt === undefined || record.finishedAt === undefined) return false;
  return Date.parse(record.finishedAt) - Date.parse(record.startedAt) >= timeoutMs;
}

/** Live counts of a started batch; a pending batch shows only its size. */
export function batchStatus(
  record: BatchRecord,
  counts: BatchCounts,
  timeoutMs: number,
): BatchStatus {
  const started = record.state !== "Pending";
  const lateCountFailed = started && judgedAtTimeout(record, timeoutMs) ? counts.updating : 0;
  return {
    state: record.state,
    devices: counts.devices,
    updated: started ? counts.updated : 0,
    failed: started ? counts.failed + lateCountFailed : 0,
    deferred: started ? counts.deferred : 0,
    ...(record.startedAt === undefined ? {} : { startedAt: record.startedAt }),
    ...(record.finishedAt === undefined ? {} : { finishedAt: record.finishedAt }),
  };
}

/** Sum of the batches' counts, for whole-rollout messages. */
export function totalCounts(batches: readonly BatchStatus[]): BatchStatus {
  const total: BatchStatus = { state: "Succeeded", devices: 0, updated: 0, failed: 0, deferred: 0 };
  for (const batch of batches) {
    total.devices += batch.devices;
    total.updated += batch.updated;
    total.failed += batch.failed;
    total.deferred += batch.deferred;
  }
  return total;
}

/** A change of phase, batch, revision, stable revision or any batch's state. */
export function isTransition(previous: RolloutStatus | undefined, next: RolloutStatus): boolean {
  if (previous === undefined) return true;
  if (
    previous.phase !== next.phase ||
    previous.currentBatch !== next.currentBatch ||
    previous.revision !== next.revision ||
    previous.stableRevision !== next.stableRevision ||
    previous.batches.length !== next.batches.length
  )
    return true;
  return next.batches.some((batch, i) => previous.batches[i]?.state !== batch.state);
}

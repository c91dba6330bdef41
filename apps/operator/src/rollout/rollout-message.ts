// The texts a person reads in status.rollout (message and failure.message).
// Progress always uses describeBatch's wording, so the CLI, the dashboard and
// the Progressing condition say the same thing.
import { clipMessage, describeBatch, type BatchStatus } from "@fleet/contracts";

type Counts = Pick<BatchStatus, "devices" | "updated" | "failed" | "deferred">;

/** "40 of 50 updated, 2 failed, 8 offline (deferred)": describeBatch without its batch prefix. */
export function describeCounts(counts: Counts): string {
  const parts = [`${counts.updated} of ${counts.devices} updated`];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.deferred > 0) parts.push(`${counts.deferred} offline (deferred)`);
  return parts.join(", ");
}

export function progressMessage(index: number, total: number, batch: BatchStatus): string {
  return describeBatch(index, total, batch);
}

/** "batch 2 of 4 passed", saying when no member was there to judge. */
export function passedMessage(index: number, total: number, batch: Counts): string {
  const head = `batch ${index} of ${total} passed`;
  if (batch.devices === 0) return `${head} with no devices`;
  if (batch.deferred === batch.devices)
    return `${head} with all ${batch.devices} devices offline (deferred): judged on none, they update when they return`;
  return head;
}

export const waitingForApprovalMessage = (passed: string, next: number): string =>
  `${passed}; waiting for approval of batch ${next}`;

export const pausingMessage = (passed: string, next: number, at: string): string =>
  `${passed}; batch ${next} starts at ${at}`;

export const pausedMessage = (index: number, total: number, batch: BatchStatus): string =>
  `paused by a deployer (spec.rollout.paused); ${describeBatch(index, total, batch)}`;

export const haltedMessage = (failure: string, revision: number, next: number): string =>
  `halted: ${failure}; approve ${revision}/${next} to accept the batch and go on, or roll back`;

export const rolledBackMessage = (stable: number, failure: string): string =>
  `rolled back to revision ${stable}: ${failure}`;

export const completedMessage = (revision: number, batches: number, total: Counts): string =>
  `rollout of revision ${revision} completed (${batches} ${batches === 1 ? "batch" : "batches"}): ${describeCounts(total)}`;

export const allAtOnceMessage = (revision: number, why: string, total: Counts): string =>
  `revision ${revision} given to every device at once (${why}): ${describeCounts(total)}`;

export const revertedMessage = (revision: number, total: Counts): string =>
  `the spec is back to the stable revision ${revision}: every device holds it; ${describeCounts(total)}`;

export function batchFailedMessage(
  index: number,
  total: number,
  counts: { failed: number; reachable: number; needed: number },
  revision: number,
  threshold: number,
): string {
  return (
    `batch ${index} of ${total} failed: ${counts.failed} of ${counts.reachable} reachable devices failed on revision ${revision}; ` +
    `${counts.needed} (${threshold}%) had to run it`
  );
}

export function batchTimedOutMessage(
  index: number,
  total: number,
  counts: { failed: number; updating: number; reachable: number; updated: number; needed: number },
  revision: number,
  timeout: string,
  threshold: number,
): string {
  return (
    `batch ${index} of ${total} timed out after ${timeout}: ${counts.updated} of ${counts.reachable} reachable devices run revision ${revision}, ` +
    `${counts.needed} (${threshold}%) had to; ${counts.failed + counts.updating} counted failed ` +
    `(${counts.failed} failed, ${counts.updating} still updating)`
  );
}

export const rollbackRequestedMessage = (
  revision: number,
  index: number,
  total: number,
  failed: number,
): string =>
  `a deployer asked to roll back revision ${revision} at batch ${index} of ${total} (${failed} ${failed === 1 ? "device had" : "devices had"} failed)`;

/** Every status text is bounded like the CR's other messages. */
export const bounded = (text: string): string => clipMessage(text);

// Rollouts with nothing left to decide: every device holds one revision.
// Completed (the target everywhere: given at once, reverted to the stable
// revision, or a staged rollout that finished) and RolledBack (the stable
// revision everywhere, final for that revision). Counts stay live, except a
// rollback's, which keep the picture of the moment it was decided.
import { parseDurationMs, type RolloutSpec, type RolloutStatus } from "@fleet/contracts";
import { kubeTime } from "../status/build-status.js";
import { batchStatus, isTransition, totalCounts, type BatchRecord } from "./batch-status.js";
import { countMembers } from "./judge.js";
import { planBatches, rolloutOrder } from "./order.js";
import type { RolloutDecision, RolloutInputs } from "./plan.js";
import { allAtOnceMessage, bounded, completedMessage, revertedMessage } from "./rollout-message.js";

/** Why every device was given the target at once. */
export type AtOnceReason = "no spec.rollout" | "no stable revision to stage from" | "reverted";

const everyDevice =
  (revision: number): RolloutDecision["assignment"] =>
  () =>
    revision;

/** One batch of every device; Completed as soon as decided. */
export function completeAtOnce(
  inputs: RolloutInputs,
  why: AtOnceReason | "completed",
): RolloutDecision {
  const { previous, target } = inputs;
  const now = kubeTime(inputs.nowMs);
  const earlier =
    previous?.revision === target.revision && previous.phase === "Completed"
      ? previous.batches[0]
      : undefined;
  const record: BatchRecord = {
    state: "Succeeded",
    startedAt: earlier?.startedAt ?? now,
    finishedAt: earlier?.finishedAt ?? now,
  };
  const counts = countMembers(inputs.devices, inputs.report, target.revision);
  const batch = batchStatus(record, counts, Number.POSITIVE_INFINITY);
  const message =
    why === "reverted"
      ? revertedMessage(target.revision, batch)
      : why === "completed"
        ? completedMessage(target.revision, 1, batch)
        : allAtOnceMessage(target.revision, why, batch);
  const status: RolloutStatus = {
    revision: target.revision,
    stableRevision: target.revision,
    phase: "Completed",
    currentBatch: 1,
    totalBatches: 1,
    batches: [batch],
    message: bounded(message),
  };
  return {
    status,
    assignment: everyDevice(target.revision),
    wakeAtMs: undefined,
    transition: isTransition(previous, status),
  };
}

/** A finished staged rollout: its batches recounted live, the target everywhere. */
export function stayCompleted(
  inputs: RolloutInputs,
  spec: RolloutSpec,
  previous: RolloutStatus,
): RolloutDecision {
  const { target } = inputs;
  const plan = planBatches(
    spec.batches,
    rolloutOrder(target.hash, inputs.devices),
    inputs.labelsOf,
  );
  // A revision that completed at once keeps that shape when spec.rollout appears later.
  if (previous.totalBatches === 1 && plan.members.length > 1)
    return completeAtOnce(inputs, "completed");
  const timeoutMs = parseDurationMs(spec.batchTimeout) ?? Number.POSITIVE_INFINITY;
  const batches = plan.members.map((members, i) => {
    const earlier = previous.batches[i];
    const record: BatchRecord = {
      state: earlier?.state ?? "Succeeded",
      startedAt: earlier?.startedAt,
      finishedAt: earlier?.finishedAt,
    };
    return batchStatus(record, countMembers(members, inputs.report, target.revision), timeoutMs);
  });
  const status: RolloutStatus = {
    revision: target.revision,
    stableRevision: target.revision,
    phase: "Completed",
    currentBatch: batches.length,
    totalBatches: batches.length,
    batches,
    message: bounded(completedMessage(target.revision, batches.length, totalCounts(batches))),
  };
  return {
    status,
    assignment: everyDevice(target.revision),
    wakeAtMs: undefined,
    transition: isTransition(previous, status),
  };
}

/** RolledBack is final for its revision: the recorded status stands, every device on stable. */
export function stayRolledBack(previous: RolloutStatus, stable: number): RolloutDecision {
  return {
    status: previous,
    assignment: everyDevice(stable),
    wakeAtMs: undefined,
    transition: false,
  };
}

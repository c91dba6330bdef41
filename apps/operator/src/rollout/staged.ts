// A staged rollout in motion: starts, judges and advances batches, one step
// after another in a single evaluation (an empty or all-offline batch passes at
// once and the next starts), until something must wait: devices updating, an
// approval, a pause, a deployer, or a final phase. Then it says which revision
// each device holds: batches before the current one the target, later ones the
// stable revision (but a device the rollout gave the target keeps it), the
// current one as its state and maxUnavailable allow.
import {
  parseDurationMs,
  resolveQuantity,
  type RolloutFailure,
  type RolloutPhase,
  type RolloutSpec,
  type RolloutStatus,
} from "@fleet/contracts";
import { kubeTime } from "../status/build-status.js";
import {
  batchStatus,
  isTransition,
  pendingBatch,
  totalCounts,
  type BatchRecord,
} from "./batch-status.js";
import { failedDevices } from "./failed-devices.js";
import {
  countMembers,
  judgeBatch,
  memberState,
  requiredUpdated,
  type BatchCounts,
} from "./judge.js";
import { planBatches, rolloutOrder } from "./order.js";
import type { RolloutDecision, RolloutInputs } from "./plan.js";
import * as text from "./rollout-message.js";

const DEFAULT_BATCH_TIMEOUT_MS = 30 * 60_000;

const parseTime = (value: string | undefined): number | undefined => {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * Plans a staged rollout of inputs.target from `stable`. `continuing` is the
 * recorded status of this same revision; undefined starts a new rollout at batch 1.
 */
export function planStaged(
  inputs: RolloutInputs,
  spec: RolloutSpec,
  stable: number,
  continuing: RolloutStatus | undefined,
): RolloutDecision {
  const target = inputs.target.revision;
  const nowMs = inputs.nowMs;
  const now = kubeTime(nowMs);
  const plan = planBatches(
    spec.batches,
    rolloutOrder(inputs.target.hash, inputs.devices),
    inputs.labelsOf,
  );
  const total = plan.members.length;
  const timeoutMs = parseDurationMs(spec.batchTimeout) ?? DEFAULT_BATCH_TIMEOUT_MS;
  const pauseMs = parseDurationMs(spec.pauseBetweenBatches) ?? 0;
  const threshold = spec.successThreshold;

  const records: BatchRecord[] = plan.members.map((_, i) => {
    const earlier = continuing?.batches[i];
    return earlier === undefined
      ? pendingBatch()
      : { state: earlier.state, startedAt: earlier.startedAt, finishedAt: earlier.finishedAt };
  });
  /** 1-based, like everything a person reads. */
  const recordOf = (batch: number): BatchRecord => {
    const record = records[batch - 1];
    if (record === undefined) throw new RangeError(`no batch ${batch} of ${total}`);
    return record;
  };
  const membersOf = (batch: number): readonly string[] => plan.members[batch - 1] ?? [];
  const countOf = (batch: number): BatchCounts =>
    countMembers(membersOf(batch), inputs.report, target);
  const approved = (batch: number): boolean => {
    const approval = inputs.commands.approved;
    return approval !== undefined && approval.revision === target && approval.batch >= batch;
  };

  let k = Math.min(Math.max(continuing?.currentBatch ?? 1, 1), total);
  let failure: RolloutFailure | undefined = continuing?.failure;
  let nextBatchAtMs: number | undefined;
  let wakeAtMs: number | undefined;
  const notes: string[] = [];

  const judgedFailure = (
    reason: "BatchFailed" | "BatchTimedOut",
    counts: BatchCounts,
    timedOut: boolean,
  ): RolloutFailure => {
    const reachable = counts.updated + counts.failed + counts.updating;
    const needed = requiredUpdated(threshold, reachable);
    const failed = counts.failed + (timedOut ? counts.updating : 0);
    const message =
      reason === "BatchTimedOut"
        ? text.batchTimedOutMessage(
            k,
            total,
            { ...counts, reachable, needed },
            target,
            spec.batchTimeout,
            threshold,
          )
        : text.batchFailedMessage(k, total, { failed, reachable, needed }, target, threshold);
    return {
      reason,
      batch: k,
      message: text.bounded(message),
      devices: failedDevices(
        membersOf(k),
        inputs.report,
        target,
        timedOut ? spec.batchTimeout : undefined,
      ),
      at: now,
    };
  };

  const start = (batch: number): void => {
    const record = recordOf(batch);
    record.state = "InProgress";
    record.startedAt = now;
    record.finishedAt = undefined;
  };

  /** Steps the rollout as far as it can go now; returns the phase it rests in. */
  const advance = (): RolloutPhase => {
    const resumed = continuing?.phase === "Paused" && !spec.paused;
    let clockChecked = false;
    let justFailed = false;
    // Each batch is started, judged and left at most once: the bound only guards the loop.
    for (let step = 0; step <= 3 * total + 3; step++) {
      const record = recordOf(k);
      if (record.state === "Pending") {
        if (spec.paused) return "Paused";
        start(k);
        continue;
      }
      if (record.state === "InProgress") {
        if (spec.paused) return "Paused";
        // Time spent paused does not count against the batch that was running.
        if (resumed && !clockChecked) record.startedAt = now;
        clockChecked = true;
        const counts = countOf(k);
        const startedMs = parseTime(record.startedAt) ?? nowMs;
        const timedOut = nowMs >= startedMs + timeoutMs;
        const verdict = judgeBatch(counts, threshold, timedOut);
        if (verdict.kind === "pending") {
          wakeAtMs = startedMs + timeoutMs;
          return "Progressing";
        }
        record.finishedAt = now;
        if (verdict.kind === "pass") {
          record.state = "Succeeded";
        } else {
          record.state = "Failed";
          justFailed = true;
          failure = judgedFailure(verdict.reason, counts, timedOut);
        }
        continue;
      }
      if (record.state === "Failed") {
        // A batch failing now always meets onFailure; only a halted one can be accepted.
        if (justFailed || !approved(k + 1)) {
          if (spec.onFailure === "rollback") return "RolledBack";
          return spec.paused ? "Paused" : "Halted";
        }
        failure = undefined;
      }
      // Succeeded, or failed and accepted by a deployer.
      if (k === total) return "Completed";
      if (spec.paused) return "Paused";
      if (spec.approval === "manual" && !approved(k + 1)) return "WaitingForApproval";
      const nextAtMs = (parseTime(record.finishedAt) ?? nowMs) + pauseMs;
      if (pauseMs > 0 && nowMs < nextAtMs) {
        nextBatchAtMs = nextAtMs;
        wakeAtMs = nextAtMs;
        return "Progressing";
      }
      const passedNote = specialPass(k);
      if (passedNote !== undefined) notes.push(passedNote);
      k++;
      start(k);
    }
    throw new Error(`rollout of revision ${target} did not settle in ${3 * total + 3} steps`);
  };

  /** "batch 2 of 4 passed with all 3 devices offline (deferred)": worth saying after moving on. */
  const specialPass = (batch: number): string | undefined => {
    const counts = countOf(batch);
    return counts.devices === 0 || counts.deferred === counts.devices
      ? text.passedMessage(batch, total, counts)
      : undefined;
  };

  let phase: RolloutPhase;
  if (inputs.commands.rollback === target) {
    phase = "RolledBack";
    const started = plan.members.filter((_, i) => records[i]?.state !== "Pending").flat();
    let failed = 0;
    for (const device of started)
      if (memberState(inputs.report(device), target) === "failed") failed++;
    failure = {
      reason: "RollbackRequested",
      batch: k,
      message: text.bounded(text.rollbackRequestedMessage(target, k, total, failed)),
      devices: failedDevices(started, inputs.report, target, undefined),
      at: now,
    };
  } else {
    phase = advance();
  }

  const batches = plan.members.map((members, i) => {
    const record = records[i] ?? pendingBatch();
    const counts: BatchCounts =
      record.state === "Pending"
        ? { devices: members.length, updated: 0, failed: 0, updating: 0, deferred: 0 }
        : countMembers(members, inputs.report, target);
    return batchStatus(record, counts, timeoutMs);
  });
  const current = batches[k - 1] ?? batchStatus(pendingBatch(), countOf(k), timeoutMs);
  const currentRecord = recordOf(k);
  const failureShown =
    phase === "Halted" ||
    phase === "RolledBack" ||
    (phase === "Paused" && currentRecord.state === "Failed");
  if (failureShown && failure === undefined)
    failure = judgedFailure("BatchFailed", countOf(k), false);

  const passed = text.passedMessage(k, total, current);
  let message: string;
  switch (phase) {
    case "Progressing":
      message =
        nextBatchAtMs === undefined
          ? text.progressMessage(k, total, current)
          : text.pausingMessage(passed, k + 1, kubeTime(nextBatchAtMs));
      break;
    case "WaitingForApproval":
      message = text.waitingForApprovalMessage(passed, k + 1);
      break;
    case "Paused":
      message = text.pausedMessage(k, total, current);
      break;
    case "Halted":
      message = text.haltedMessage(failure?.message ?? "", target, k + 1);
      break;
    case "RolledBack":
      message = text.rolledBackMessage(stable, failure?.message ?? "");
      break;
    case "Completed": {
      const last = specialPass(k);
      if (last !== undefined) notes.push(last);
      message = text.completedMessage(target, total, totalCounts(batches));
      break;
    }
  }

  const status: RolloutStatus = {
    revision: target,
    stableRevision: phase === "Completed" ? target : stable,
    phase,
    currentBatch: k,
    totalBatches: total,
    batches,
    ...(nextBatchAtMs === undefined ? {} : { nextBatchAt: kubeTime(nextBatchAtMs) }),
    message: text.bounded([...notes, message].join("; ")),
    ...(failureShown && failure !== undefined ? { failure } : {}),
  };

  const currentHolds = currentBatchHolds(phase, currentRecord, membersOf(k));
  const assignment = (device: string): number => {
    if (phase === "Completed") return target;
    if (phase === "RolledBack") return stable;
    const index = plan.batchOf.get(device);
    if (index === undefined) return stable;
    // Past the prefix: stable, except that a device this rollout already gave
    // the target keeps it (a joining device can push one out of the prefix;
    // taking the target back would send it back and forth).
    if (index > k - 1)
      return continuing !== undefined && inputs.held(device) === target ? target : stable;
    if (index < k - 1) return target;
    return currentHolds(device) ? target : stable;
  };

  return {
    status,
    assignment,
    wakeAtMs,
    transition: isTransition(inputs.previous, status),
  };

  /**
   * Which members of the current batch hold the target. Running: the deferred
   * at once, those already given it, and as many more (in order) as
   * maxUnavailable leaves room for among the reachable. Paused or halted:
   * those already given it keep it, no one else gets it.
   */
  function currentBatchHolds(
    rolloutPhase: RolloutPhase,
    record: BatchRecord,
    members: readonly string[],
  ): (device: string) => boolean {
    if (record.state === "Succeeded") return () => true;
    if (record.state === "Pending") return () => false;
    if (record.state === "Failed" || rolloutPhase !== "Progressing")
      return (device) => inputs.held(device) === target;
    const given = new Set<string>();
    const budget =
      spec.maxUnavailable === undefined
        ? Number.POSITIVE_INFINITY
        : resolveQuantity(spec.maxUnavailable, members.length);
    let unavailable = 0;
    const waiting: string[] = [];
    for (const device of members) {
      const state = memberState(inputs.report(device), target);
      if (state === "deferred") given.add(device);
      else if (inputs.held(device) === target) {
        given.add(device);
        if (state !== "updated") unavailable++;
      } else waiting.push(device);
    }
    for (const device of waiting) {
      if (unavailable >= budget) break;
      given.add(device);
      unavailable++;
    }
    return (device) => given.has(device);
  }
}

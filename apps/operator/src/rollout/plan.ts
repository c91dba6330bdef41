// The rollout planner: one pure decision per evaluation. Given what the spec
// asks, what each device holds and reports, and the rollout as last recorded
// (status.rollout), it says which revision every placed device should hold now,
// what status.rollout becomes, and when to look again. No I/O and no clock of
// its own, so every rule is tested without servers (docs/rollouts.md).
//
// Model (ADR 0010):
// - Devices are ordered by a hash of (target revision hash, device id): stable
//   for one revision, spread across the fleet, independent of arrival order.
// - Batch i takes, in that order, its size (count, or percentage of its pool)
//   from the devices not in earlier batches (matching its selector, if any);
//   devices left over form a final batch. Batches 1..k hold the target revision
//   while batch k runs; every other device holds the stable one.
// - A member unreported (not fresh) is deferred: it is written the target like
//   the others, judged neither way, and catches up when it returns.
// - A batch passes when none of its reachable members is still updating and at
//   least successThreshold% of them run the target; it fails as soon as that
//   cannot happen, or at batchTimeout (members still updating then count failed).
import type {
  DeploymentPhase,
  RolloutCommands,
  RolloutSpec,
  RolloutStatus,
} from "@fleet/contracts";
import { completeAtOnce, stayCompleted, stayRolledBack } from "./settled.js";
import { planStaged } from "./staged.js";

/** What the planner needs to know about one device's latest heartbeat for this deployment. */
export interface DeviceRolloutReport {
  /** Heard from within the freshness window (isDeviceFresh). */
  fresh: boolean;
  /** The revision the reported phase is about; undefined from agents that do not say. */
  revision: number | undefined;
  /** Undefined when the heartbeat does not mention this deployment. */
  phase: DeploymentPhase | undefined;
  lastError: string | undefined;
  /** When the failure happened (lastEventAt or heartbeat time), RFC 3339. */
  at: string | undefined;
}

export interface RolloutInputs {
  /** spec.rollout; undefined: every device gets the target at once. */
  spec: RolloutSpec | undefined;
  /** The spec's revision number and its score hash (the ordering seed). */
  target: { revision: number; hash: string };
  /** The deployment's devices now (placement), in any order. */
  devices: readonly string[];
  /** A device's labels (for batch selectors); undefined for ids without a Device CR. */
  labelsOf: (device: string) => Readonly<Record<string, string>> | undefined;
  /** Revision whose entry the device holds now; undefined: no entry (or bytes of no known revision). */
  held: (device: string) => number | undefined;
  report: (device: string) => DeviceRolloutReport | undefined;
  commands: RolloutCommands;
  /** status.rollout as last decided (from memory, or read back from the CR after a restart). */
  previous: RolloutStatus | undefined;
  nowMs: number;
}

export interface RolloutDecision {
  /** status.rollout to record (before any device is written what it decided). */
  status: RolloutStatus;
  /**
   * The revision each device of `inputs.devices` should hold now; undefined
   * means no entry (never returned while a stable revision exists).
   */
  assignment: (device: string) => number | undefined;
  /** When to evaluate again without any event (a timeout or a pause ending); undefined: on events only. */
  wakeAtMs: number | undefined;
  /** True when the phase, the batch or a revision changed: record it before writing devices. */
  transition: boolean;
}

/**
 * One evaluation of a Deployment's rollout. Which rollout runs: with no
 * recorded status, or no stable revision to fall back on, or no spec.rollout,
 * every device gets the target at once (Completed). A target equal to the
 * stable revision (the spec reverted) is Completed at once too. A target other
 * than the recorded revision starts a new rollout at batch 1 from the stable
 * revision (the recorded one if it completed, else the recorded stable one);
 * devices on an abandoned revision fall back to stable unless batch 1 takes
 * them. RolledBack stays RolledBack for its revision.
 */
export function planRollout(inputs: RolloutInputs): RolloutDecision {
  const { spec, previous, target } = inputs;
  const noStable = "no stable revision to stage from";
  if (previous === undefined)
    return completeAtOnce(inputs, spec === undefined ? "no spec.rollout" : noStable);
  if (previous.revision === target.revision) {
    const stable = previous.stableRevision;
    if (previous.phase === "RolledBack" && stable !== undefined)
      return stayRolledBack(previous, stable);
    if (spec === undefined) return completeAtOnce(inputs, "no spec.rollout");
    if (previous.phase === "Completed") return stayCompleted(inputs, spec, previous);
    if (stable === undefined) return completeAtOnce(inputs, noStable);
    return planStaged(inputs, spec, stable, previous);
  }
  const stable = previous.phase === "Completed" ? previous.revision : previous.stableRevision;
  if (stable === target.revision) return completeAtOnce(inputs, "reverted");
  if (spec === undefined) return completeAtOnce(inputs, "no spec.rollout");
  if (stable === undefined) return completeAtOnce(inputs, noStable);
  return planStaged(inputs, spec, stable, undefined);
}

// One CR's whole status, from what the operator tracks about it and the latest
// device reports. Pure, so the rules are tested without a cluster.
import {
  aggregateDeployment,
  type AggregateTarget,
  type Condition,
  type DeploymentStatus,
  type ReportLookup,
  type RolloutStatus,
} from "@fleet/contracts";
import type { ConflictSummary } from "../targeting/placement.js";
import { deploymentConditions, type SpecProblem } from "./conditions.js";

export interface StatusInput {
  generation: number;
  /** The placed devices; undefined when the spec could not be read (then specProblem says why). */
  targets: readonly AggregateTarget[] | undefined;
  /** Devices withheld by host-port clashes, and the clashes this CR causes. */
  conflict?: ConflictSummary | undefined;
  specProblem: SpecProblem | undefined;
  previousConditions: readonly Condition[];
  /** status.rollout as the rollout controller last recorded it; undefined: left as the CR has it. */
  rollout?: RolloutStatus | undefined;
  /** Malformed rollout commands being ignored ("" when none). */
  commandProblem?: string | undefined;
}

/** Kubernetes metav1.Time precision: whole seconds. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function buildStatus(
  input: StatusInput,
  lookup: ReportLookup,
  nowMs: number,
  stalenessWindowMs: number,
): DeploymentStatus {
  const withheld = input.conflict?.withheld ?? 0;
  const folded =
    input.specProblem === undefined && input.targets !== undefined
      ? aggregateDeployment(input.targets, lookup, nowMs, stalenessWindowMs)
      : undefined;
  // Counts are over the placed devices; matched also covers the withheld ones.
  const agg =
    folded === undefined
      ? undefined
      : { ...folded, matchedDevices: folded.matchedDevices + withheld, conflicted: withheld };
  const conditions = deploymentConditions({
    aggregate: agg,
    targetCount: input.targets?.length ?? 0,
    conflict: input.conflict,
    specProblem: input.specProblem,
    rollout: input.rollout,
    commandProblem: input.commandProblem,
    generation: input.generation,
    previous: input.previousConditions,
    now: kubeTime(nowMs),
  });
  return {
    observedGeneration: input.generation,
    conditions,
    ...(agg === undefined ? {} : { aggregate: agg }),
    ...(input.rollout === undefined ? {} : { rollout: input.rollout }),
  };
}

/**
 * The merge-patch body for a status: optional aggregate fields that are absent
 * become null, because a merge patch that merely omits a field keeps the old value.
 */
export function statusPatchBody(status: DeploymentStatus): Record<string, unknown> {
  const body: Record<string, unknown> = { ...status };
  if (status.aggregate !== undefined)
    body.aggregate = { lastError: null, lastHeartbeatAt: null, ...status.aggregate };
  // Batches are an array: a merge patch replaces it whole; the optional fields are nulled.
  const { rollout } = status;
  if (rollout !== undefined)
    body.rollout = {
      ...rollout,
      stableRevision: rollout.stableRevision ?? null,
      nextBatchAt: rollout.nextBatchAt ?? null,
      failure: rollout.failure ?? null,
    };
  return body;
}

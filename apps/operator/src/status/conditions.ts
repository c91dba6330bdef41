// Ready / Progressing / Degraded for the CR status: the rules live in
// @fleet/contracts (the dashboard applies the same ones to live heartbeats);
// this adds the standard condition shape, and what a staged rollout says
// (rolloutDrafts). lastTransitionTime moves only when a condition's status flips.
import {
  clipMessage,
  conditionDrafts,
  CONDITION_HOST_PORT_CONFLICT,
  rolloutDrafts,
  type Aggregate,
  type Condition,
  type ConditionDraft,
  type RolloutStatus,
  type SpecProblem,
} from "@fleet/contracts";
import type { ConflictSummary } from "../targeting/placement.js";

export type { SpecProblem } from "@fleet/contracts";

export interface ConditionsInput {
  aggregate: Aggregate | undefined;
  targetCount: number;
  /** Host-port clashes from placement; undefined when the spec cannot be placed. */
  conflict?: ConflictSummary | undefined;
  specProblem: SpecProblem | undefined;
  /** status.rollout as recorded; undefined before the first evaluation. */
  rollout?: RolloutStatus | undefined;
  /** Malformed rollout commands (annotations) the operator ignores; "" or undefined when none. */
  commandProblem?: string | undefined;
  generation: number;
  previous: readonly Condition[];
  /** RFC 3339, used for conditions whose status changes now. */
  now: string;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * HostPortConflict: True while this CR is withheld from some device, or
 * withholds a newer CR from one, naming the other CR, the port and a device.
 */
export function hostPortConflictDraft(conflict: ConflictSummary): ConditionDraft {
  const parts: string[] = [];
  const { example } = conflict;
  if (example !== undefined)
    parts.push(
      `withheld on ${plural(conflict.withheld, "device")}: host port ${example.port} is held by the older deployment ${example.other} (e.g. on device ${example.device})`,
    );
  for (const b of conflict.blocking)
    parts.push(
      `host port ${b.port} is also wanted by the newer deployment ${b.other}, withheld on ${plural(b.devices, "device")} (e.g. on device ${b.device})`,
    );
  if (parts.length === 0)
    return {
      type: CONDITION_HOST_PORT_CONFLICT,
      status: "False",
      reason: "NoHostPortConflict",
      message: "no other deployment wants the same host port on the same device",
    };
  return {
    type: CONDITION_HOST_PORT_CONFLICT,
    status: "True",
    reason: example !== undefined ? "WithheldByOlderDeployment" : "WithholdsNewerDeployment",
    message: parts.join("; "),
  };
}

/**
 * Pure: the three standard conditions (and HostPortConflict once placed),
 * keeping lastTransitionTime when a status is unchanged.
 */
export function deploymentConditions(input: ConditionsInput): Condition[] {
  let drafts = conditionDrafts({
    counts: input.aggregate,
    targetCount: input.targetCount,
    specProblem: input.specProblem,
  });
  if (input.rollout !== undefined && input.specProblem === undefined)
    drafts = rolloutDrafts(drafts, input.rollout, input.commandProblem);
  if (input.conflict !== undefined && input.specProblem === undefined)
    drafts.push(hostPortConflictDraft(input.conflict));
  return drafts.map((draft) => {
    const previous = input.previous.find((c) => c.type === draft.type);
    return {
      ...draft,
      // Clipped like every other text the fold writes, so the status stays within its budget.
      message: clipMessage(draft.message),
      lastTransitionTime:
        previous !== undefined && previous.status === draft.status
          ? previous.lastTransitionTime
          : input.now,
      observedGeneration: input.generation,
    };
  });
}

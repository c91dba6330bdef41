// Ready / Progressing / Degraded for the CR status: the rules live in
// @fleet/contracts (the dashboard applies the same ones to live heartbeats);
// this adds the standard condition shape, and what a staged rollout says
// (rolloutDrafts). lastTransitionTime moves only when a condition's status flips.
import {
  clipMessage,
  conditionDrafts,
  CONDITION_DEGRADED,
  CONDITION_HOST_PORT_CONFLICT,
  CONDITION_PROGRESSING,
  REASON_ROLLOUT_FAILED,
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

/** Devices named in a failure's Degraded message; the rest are in status.rollout.failure. */
export const FAILED_DEVICES_NAMED = 3;

const ROLLOUT_PROGRESS_REASONS = {
  Progressing: "RolloutProgressing",
  WaitingForApproval: "RolloutWaitingForApproval",
  Paused: "RolloutPaused",
} as const;

/** "batch 1 failed: 2 of 3 ... (dev-a: image not found; dev-b: exit 1; and 3 more)". */
function failureMessage(rollout: RolloutStatus): string {
  const { failure } = rollout;
  const lead = rollout.phase === "RolledBack" ? "rolled back" : "halted";
  if (failure === undefined)
    return `rollout of revision ${rollout.revision} ${lead}: ${rollout.message}`;
  const named = failure.devices
    .slice(0, FAILED_DEVICES_NAMED)
    .map((d) => `${d.device}: ${d.message}`);
  const more = failure.devices.length - named.length;
  if (more > 0) named.push(`and ${more} more`);
  const devices = named.length > 0 ? ` (${named.join("; ")})` : "";
  return `rollout of revision ${rollout.revision} ${lead} at batch ${failure.batch}: ${failure.message}${devices}`;
}

/**
 * What a rollout changes in the standard conditions: while it moves,
 * Progressing carries its message; once a batch failed (RolledBack, Halted),
 * Degraded says RolloutFailed, naming a few devices and their errors.
 */
export function rolloutDrafts(
  drafts: readonly ConditionDraft[],
  rollout: RolloutStatus,
  commandProblem: string | undefined,
): ConditionDraft[] {
  const ignored = commandProblem ? `; ignored command: ${commandProblem}` : "";
  return drafts.map((draft) => {
    if (draft.type === CONDITION_PROGRESSING) {
      if (rollout.phase === "Completed" && ignored === "") return draft;
      if (rollout.phase === "Completed") return { ...draft, message: `${draft.message}${ignored}` };
      if (rollout.phase === "Halted" || rollout.phase === "RolledBack")
        return {
          type: CONDITION_PROGRESSING,
          status: "False",
          reason: rollout.phase === "Halted" ? "RolloutHalted" : "RolledBack",
          message: `${rollout.message}${ignored}`,
        };
      return {
        type: CONDITION_PROGRESSING,
        status: "True",
        reason: ROLLOUT_PROGRESS_REASONS[rollout.phase],
        message: `${rollout.message}${ignored}`,
      };
    }
    if (
      draft.type === CONDITION_DEGRADED &&
      (rollout.phase === "Halted" || rollout.phase === "RolledBack")
    )
      return {
        type: CONDITION_DEGRADED,
        status: "True",
        reason: REASON_ROLLOUT_FAILED,
        message: failureMessage(rollout),
      };
    return draft;
  });
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

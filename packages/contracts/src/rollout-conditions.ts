// What a staged rollout changes in the standard conditions. One home, because
// two readers must agree: the operator writes them into the CR status, and the
// dashboard applies them to the conditions it derives from live heartbeats.
import type { ConditionDraft } from "./condition-rules.js";
import { CONDITION_DEGRADED, CONDITION_PROGRESSING } from "./deployment-status.js";
import { REASON_ROLLOUT_FAILED, type RolloutStatus } from "./rollout.js";

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

// The rules that turn a deployment's counts into Ready / Progressing / Degraded.
// One home, because two readers must agree: the operator writes them into the
// CR status, and the dashboard derives them from the live heartbeats it shows,
// so a page can never say "Ready" beside "1 failed".
import {
  CONDITION_DEGRADED,
  CONDITION_PROGRESSING,
  CONDITION_READY,
  type Aggregate,
  type Condition,
  type ConditionType,
} from "./deployment-status.js";

/** Why a CR cannot be handled at all (bad spec, unknown score kind). */
export interface SpecProblem {
  reason: string;
  message: string;
}

/** A condition before it is stamped with times and a generation. */
export interface ConditionDraft {
  type: ConditionType;
  status: Condition["status"];
  reason: string;
  message: string;
}

export type ConditionCounts = Pick<Aggregate, "succeeded" | "failed" | "pending" | "unreported"> &
  Partial<Pick<Aggregate, "lastError">>;

function summary(a: ConditionCounts, total: number): string {
  return `${a.succeeded} of ${total} devices running (${a.failed} failed, ${a.pending} pending, ${a.unreported} unreported)`;
}

/** Pure: the three standard conditions for these counts (or for a spec that cannot be handled). */
export function conditionDrafts(input: {
  counts: ConditionCounts | undefined;
  targetCount: number;
  specProblem?: SpecProblem | undefined;
}): ConditionDraft[] {
  const { counts: a, targetCount: total, specProblem } = input;
  if (specProblem !== undefined || a === undefined) {
    const reason = specProblem?.reason ?? "NotAggregated";
    const message = specProblem?.message ?? "no device status has been aggregated yet";
    return [
      { type: CONDITION_READY, status: "False", reason, message },
      { type: CONDITION_PROGRESSING, status: "False", reason, message },
      { type: CONDITION_DEGRADED, status: specProblem ? "True" : "False", reason, message },
    ];
  }
  const ready: ConditionDraft =
    a.succeeded === total
      ? {
          type: CONDITION_READY,
          status: "True",
          reason: "AllDevicesRunning",
          message: summary(a, total),
        }
      : {
          type: CONDITION_READY,
          status: "False",
          reason:
            a.failed > 0 ? "DevicesFailed" : a.pending > 0 ? "DevicesPending" : "DevicesUnreported",
          message: summary(a, total),
        };
  const progressing: ConditionDraft =
    a.pending > 0
      ? {
          type: CONDITION_PROGRESSING,
          status: "True",
          reason: "DevicesPending",
          message: `${a.pending} of ${total} devices have not reported this deployment running yet`,
        }
      : {
          type: CONDITION_PROGRESSING,
          status: "False",
          reason: "NoDevicesPending",
          message: "no reporting device is pending",
        };
  const degraded: ConditionDraft =
    a.failed > 0
      ? {
          type: CONDITION_DEGRADED,
          status: "True",
          reason: "DevicesFailed",
          message:
            `${a.failed} of ${total} devices failed` +
            (a.lastError ? `; latest on ${a.lastError.device}: ${a.lastError.message}` : ""),
        }
      : {
          type: CONDITION_DEGRADED,
          status: "False",
          reason: "NoFailures",
          message: "no reporting device has failed",
        };
  return [ready, progressing, degraded];
}

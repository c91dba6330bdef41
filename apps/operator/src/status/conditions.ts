// Ready / Progressing / Degraded from an aggregate, in the standard condition
// shape. lastTransitionTime moves only when a condition's status flips.
import {
  clipMessage,
  CONDITION_DEGRADED,
  CONDITION_PROGRESSING,
  CONDITION_READY,
  type Aggregate,
  type Condition,
  type ConditionType,
} from "@fleet/contracts";

/** Why a CR cannot be handled at all (bad spec, unknown score kind). */
export interface SpecProblem {
  reason: string;
  message: string;
}

export interface ConditionsInput {
  aggregate: Aggregate | undefined;
  targetCount: number;
  specProblem: SpecProblem | undefined;
  generation: number;
  previous: readonly Condition[];
  /** RFC 3339, used for conditions whose status changes now. */
  now: string;
}

type Status = Condition["status"];
interface Draft {
  type: ConditionType;
  status: Status;
  reason: string;
  message: string;
}

function summary(a: Aggregate, total: number): string {
  return `${a.succeeded} of ${total} devices running (${a.failed} failed, ${a.pending} pending, ${a.unreported} unreported)`;
}

function drafts(input: ConditionsInput): Draft[] {
  const { aggregate: a, targetCount: total, specProblem } = input;
  if (specProblem !== undefined || a === undefined) {
    const reason = specProblem?.reason ?? "NotAggregated";
    const message = specProblem?.message ?? "no device status has been aggregated yet";
    return [
      { type: CONDITION_READY, status: "False", reason, message },
      { type: CONDITION_PROGRESSING, status: "False", reason, message },
      { type: CONDITION_DEGRADED, status: specProblem ? "True" : "False", reason, message },
    ];
  }
  const ready: Draft =
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
  const progressing: Draft =
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
  const degraded: Draft =
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

/** Pure: the three standard conditions, keeping lastTransitionTime when status is unchanged. */
export function deploymentConditions(input: ConditionsInput): Condition[] {
  return drafts(input).map((draft) => {
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

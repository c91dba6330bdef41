// The Ready / Progressing / Degraded a page shows, derived from the counts it
// shows (computed from live heartbeats), never read from a CR status that may
// be older: a page cannot say "Ready" next to "1 failed". The rules are the
// operator's own (contracts' conditionDrafts); this only adds how they look.
import {
  CONDITION_HOST_PORT_CONFLICT,
  conditionDrafts,
  rolloutDrafts,
  type ConditionCounts,
  type ConditionType,
  type RolloutStatus,
} from "@fleet/contracts";
import type { Tone } from "@fleet/ui";

export interface ShownCondition {
  type: ConditionType;
  status: boolean;
  /** What the badge says: "Ready", "Not ready", "Progressing", "Degraded". */
  label: string;
  tone: Tone;
  /** The why, for hovering. */
  message: string;
}

const looks: Record<ConditionType, { tone: Tone; label: (holds: boolean) => string }> = {
  Ready: { tone: "good", label: (holds) => (holds ? "Ready" : "Not ready") },
  Progressing: { tone: "warn", label: () => "Progressing" },
  Degraded: { tone: "bad", label: () => "Degraded" },
  HostPortConflict: { tone: "bad", label: () => "Host port conflict" },
};

/**
 * All three conditions; `status` is the condition's truth, `label` what to
 * print. A staged rollout (the CR's status.rollout: only the operator judges
 * batches) overrides Progressing and Degraded by the operator's own rules.
 */
export function liveConditions(
  counts: ConditionCounts,
  total: number,
  rollout?: RolloutStatus,
): ShownCondition[] {
  const drafts = conditionDrafts({ counts, targetCount: total });
  const shown = rollout === undefined ? drafts : rolloutDrafts(drafts, rollout, undefined);
  return shown.map((draft) => {
    const holds = draft.status === "True";
    const look = looks[draft.type];
    return {
      type: draft.type,
      status: holds,
      label: look.label(holds),
      // "Not ready" is a fact, not an alarm: the counts beside it say why.
      tone: draft.type === "Ready" && !holds ? "neutral" : look.tone,
      message: draft.message,
    };
  });
}

/**
 * The operator's HostPortConflict condition from the CR's status, shown as it
 * is: only the operator sees every deployment on a device, so the browser
 * cannot derive it from heartbeats.
 */
export function hostPortConflict(
  conditions: readonly { type: string; status: string; message: string }[] | undefined,
): ShownCondition[] {
  const condition = conditions?.find((c) => c.type === CONDITION_HOST_PORT_CONFLICT);
  if (condition?.status !== "True") return [];
  const look = looks.HostPortConflict;
  return [
    {
      type: CONDITION_HOST_PORT_CONFLICT,
      status: true,
      label: look.label(true),
      tone: look.tone,
      message: condition.message,
    },
  ];
}

/** What a page prints: Ready or Not ready, then only the conditions that hold. */
export function shownConditions(conditions: readonly ShownCondition[]): ShownCondition[] {
  return conditions.filter((c) => c.type === "Ready" || c.status);
}

// The Ready / Progressing / Degraded a page shows, derived from the counts it
// shows (computed from live heartbeats), never read from a CR status that may
// be older: a page cannot say "Ready" next to "1 failed". Same rules as the
// operator's conditions (apps/operator/src/status/conditions.ts).
import type { PhaseCounts, Tone } from "@fleet/ui";

export type ConditionType = "Ready" | "Progressing" | "Degraded";

export interface ShownCondition {
  type: ConditionType;
  status: boolean;
  /** What the badge says: "Ready", "Not ready", "Progressing", "Degraded". */
  label: string;
  tone: Tone;
  /** The why, for hovering. */
  message: string;
}

function summary(a: PhaseCounts, total: number): string {
  return `${a.succeeded} of ${total} devices running (${a.failed} failed, ${a.pending} pending, ${a.unreported} unreported)`;
}

/** All three conditions; `status` is the condition's truth, `label` what to print. */
export function liveConditions(a: PhaseCounts, total: number): ShownCondition[] {
  const ready = a.succeeded === total;
  return [
    {
      type: "Ready",
      status: ready,
      label: ready ? "Ready" : "Not ready",
      tone: ready ? "good" : "neutral",
      message: summary(a, total),
    },
    {
      type: "Progressing",
      status: a.pending > 0,
      label: "Progressing",
      tone: "warn",
      message:
        a.pending > 0
          ? `${a.pending} of ${total} devices have not reported this deployment running yet`
          : "no reporting device is pending",
    },
    {
      type: "Degraded",
      status: a.failed > 0,
      label: "Degraded",
      tone: "bad",
      message:
        a.failed > 0 ? `${a.failed} of ${total} devices failed` : "no reporting device has failed",
    },
  ];
}

/** What a page prints: Ready or Not ready, then only the conditions that hold. */
export function shownConditions(conditions: readonly ShownCondition[]): ShownCondition[] {
  return conditions.filter((c) => c.type === "Ready" || c.status);
}

// How one batch's members are counted and when the batch is judged. A member
// that is not fresh is deferred and judged neither way: an offline device can
// neither stall a batch nor fail it. Only reachable members decide.
import type { DeviceRolloutReport } from "./plan.js";

export type MemberState = "updated" | "failed" | "updating" | "deferred";

/** Where a member stands on the target revision, from its latest report. */
export function memberState(report: DeviceRolloutReport | undefined, target: number): MemberState {
  if (report === undefined || !report.fresh) return "deferred";
  if (report.revision === target && report.phase === "Running") return "updated";
  if (report.revision === target && report.phase === "Failed") return "failed";
  return "updating";
}

export interface BatchCounts {
  devices: number;
  updated: number;
  failed: number;
  updating: number;
  deferred: number;
}

export function countMembers(
  members: readonly string[],
  report: (device: string) => DeviceRolloutReport | undefined,
  target: number,
): BatchCounts {
  const counts: BatchCounts = {
    devices: members.length,
    updated: 0,
    failed: 0,
    updating: 0,
    deferred: 0,
  };
  for (const device of members) counts[memberState(report(device), target)]++;
  return counts;
}

/** Reachable members that must run the target for a batch to pass: ceil(threshold% x reachable). */
export function requiredUpdated(successThreshold: number, reachable: number): number {
  // An integer over 100: the quotient is either exact or at least 0.01 from an integer.
  return Math.ceil((successThreshold * reachable) / 100);
}

export type Verdict =
  | { kind: "pass" }
  | { kind: "fail"; reason: "BatchFailed" | "BatchTimedOut" }
  | { kind: "pending" };

/**
 * Passes when no reachable member is still updating and enough run the target;
 * fails as soon as too many failed for that to happen. At the timeout members
 * still updating count as failed and the batch is judged there and then.
 */
export function judgeBatch(
  counts: BatchCounts,
  successThreshold: number,
  timedOut: boolean,
): Verdict {
  const reachable = counts.updated + counts.failed + counts.updating;
  const needed = requiredUpdated(successThreshold, reachable);
  if (counts.updating === 0 && counts.updated >= needed) return { kind: "pass" };
  if (counts.failed > reachable - needed) return { kind: "fail", reason: "BatchFailed" };
  if (!timedOut) return { kind: "pending" };
  return counts.updated >= needed ? { kind: "pass" } : { kind: "fail", reason: "BatchTimedOut" };
}

// The devices a rollout failure names: the newest failures first, at most
// ROLLOUT_FAILURES_LIMIT, each with its own error, so the CR says which devices
// broke and why without ever listing a whole batch.
import { clipMessage, ROLLOUT_FAILURES_LIMIT, type RolloutFailure } from "@fleet/contracts";
import { memberState } from "./judge.js";
import type { DeviceRolloutReport } from "./plan.js";

const DEVICE_MESSAGE_MAX_LENGTH = 256;

interface Candidate {
  device: string;
  message: string;
  atMs: number;
}

/**
 * Members that failed on `target`; with `timedOutAfter`, also those still
 * updating (they count failed at the timeout).
 */
export function failedDevices(
  members: Iterable<string>,
  report: (device: string) => DeviceRolloutReport | undefined,
  target: number,
  timedOutAfter: string | undefined,
): RolloutFailure["devices"] {
  const candidates: Candidate[] = [];
  for (const device of members) {
    const latest = report(device);
    const state = memberState(latest, target);
    const counted = state === "failed" || (state === "updating" && timedOutAfter !== undefined);
    if (!counted || latest === undefined) continue;
    const fallback =
      state === "failed"
        ? `failed on revision ${target} (no error reported)`
        : latest.revision === undefined
          ? `not running revision ${target} after ${timedOutAfter ?? ""} (its agent does not report revisions)`
          : `not running revision ${target} after ${timedOutAfter ?? ""}`;
    // An error about another revision says nothing about this one.
    const error = latest.revision === target ? latest.lastError : undefined;
    const atMs = latest.at === undefined ? Number.NEGATIVE_INFINITY : Date.parse(latest.at);
    candidates.push({
      device,
      message: error ?? fallback,
      atMs: Number.isNaN(atMs) ? Number.NEGATIVE_INFINITY : atMs,
    });
  }
  candidates.sort(
    (a, b) => b.atMs - a.atMs || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0),
  );
  return candidates.slice(0, ROLLOUT_FAILURES_LIMIT).map((candidate) => ({
    device: candidate.device,
    message: clipMessage(candidate.message, DEVICE_MESSAGE_MAX_LENGTH),
  }));
}

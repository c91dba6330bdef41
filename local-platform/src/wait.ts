// Awaits a condition (a server answering, a port freeing) instead of sleeping.
import { setTimeout as delay } from "node:timers/promises";
import { NotReadyError } from "./errors.js";

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Extra hint for the error, e.g. the log file to read. */
  hint?: string;
}

/** Calls `check` until it returns true; rethrows nothing, but reports the last failure. */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem = "";
  for (;;) {
    try {
      if (await check()) return;
      lastProblem = "";
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      const detail = [lastProblem && `last error: ${lastProblem}`, options.hint]
        .filter(Boolean)
        .join("; ");
      throw new NotReadyError(
        `${options.what} not ready after ${options.timeoutMs / 1000}s${detail ? ` (${detail})` : ""}`,
      );
    }
    await delay(options.intervalMs ?? 200);
  }
}

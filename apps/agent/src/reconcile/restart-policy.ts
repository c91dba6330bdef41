// The agent's restart policy for its containers (podman's own is left at "no"
// so every exit reaches the agent and is reported): always restart, after
// 1 s, 2 s, 4 s ... up to a cap. A container that ran for `stableMs` before it
// exited starts the count over, so a one-off crash is retried quickly.
// A container that keeps exiting (restart #2 on) is still failing when it has
// just been started again: it counts as settled, and its deployment Running,
// only once it has stayed up for `settleMs`. So a crash loop stays Failed
// instead of flashing Running between exits.
import { backoffDelay } from "@fleet/runtime";

export interface RestartPolicyOptions {
  initialMs: number;
  maxMs: number;
  stableMs: number;
  /** How long a restarted, crash-looping container must stay up to count as running. */
  settleMs?: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  initialMs: 1_000,
  maxMs: 60_000,
  stableMs: 60_000,
  settleMs: 10_000,
};

/** A crash-looping container that was started again and has not stayed up long enough yet. */
export interface Settling {
  attempt: number;
  /** The exit that made it restart, in words (see describeExit). */
  exit: string;
  settleMs: number;
  remainingMs: number;
}

export type RestartDecision =
  | { action: "start"; attempt: number }
  /** `newExit` is true the first time this exit is seen (report it once). */
  | { action: "wait"; delayMs: number; attempt: number; newExit: boolean };

interface Track {
  attempt: number;
  notBefore: number;
  /** Identifies the exit (podman's FinishedAt), so one exit is counted once. */
  exitId: string;
  /** When the agent last started it again, and after which exit. */
  restarted?: { at: number; exit: string };
}

export class RestartPolicy {
  readonly #options: Required<RestartPolicyOptions>;
  readonly #tracks = new Map<string, Track>();

  constructor(options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {
    this.#options = { settleMs: 10_000, ...options };
  }

  /** No jitter: people read these delays in lastError (restart in 1 s, 2 s, 4 s ...). */
  #delay(attempt: number): number {
    const { initialMs, maxMs } = this.#options;
    return backoffDelay(attempt, { initialMs, maxMs, jitter: 0 });
  }

  /** For a container found not running: start it now, or wait. */
  decide(
    container: string,
    now: number,
    exit: { startedAt: number; finishedAt: number },
  ): RestartDecision {
    const exitId = String(exit.finishedAt);
    const track = this.#tracks.get(container);
    if (track?.exitId === exitId) {
      if (now >= track.notBefore) return { action: "start", attempt: track.attempt };
      return {
        action: "wait",
        delayMs: track.notBefore - now,
        attempt: track.attempt,
        newExit: false,
      };
    }
    const ranStable = exit.finishedAt - exit.startedAt >= this.#options.stableMs;
    const attempt = track === undefined || ranStable ? 1 : track.attempt + 1;
    const delayMs = this.#delay(attempt);
    this.#tracks.set(container, { attempt, notBefore: now + delayMs, exitId });
    return { action: "wait", delayMs, attempt, newExit: true };
  }

  /** A start that failed counts as another exit of the same container. */
  startFailed(container: string, now: number): number {
    const track = this.#tracks.get(container);
    const attempt = (track?.attempt ?? 0) + 1;
    const delayMs = this.#delay(attempt);
    this.#tracks.set(container, { attempt, notBefore: now + delayMs, exitId: track?.exitId ?? "" });
    return delayMs;
  }

  /** The agent started the container again after `exit` (described in words). */
  restarted(container: string, now: number, exit: string): void {
    const track = this.#tracks.get(container);
    if (track !== undefined) track.restarted = { at: now, exit };
  }

  /** For a running container: still settling after a restart of a crash loop, or undefined. */
  settling(container: string, now: number): Settling | undefined {
    const track = this.#tracks.get(container);
    if (track?.restarted === undefined || track.attempt < 2) return undefined;
    const { settleMs } = this.#options;
    const remainingMs = track.restarted.at + settleMs - now;
    if (remainingMs <= 0) return undefined;
    return { attempt: track.attempt, exit: track.restarted.exit, settleMs, remainingMs };
  }

  /** The container was removed or replaced: its history no longer applies. */
  forget(container: string): void {
    this.#tracks.delete(container);
  }
}

// The agent's restart policy for its containers (podman's own is left at "no"
// so every exit reaches the agent and is reported): always restart, after
// 1 s, 2 s, 4 s ... up to a cap. A container that ran for `stableMs` before it
// exited starts the count over, so a one-off crash is retried quickly.

export interface RestartPolicyOptions {
  initialMs: number;
  maxMs: number;
  stableMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  initialMs: 1_000,
  maxMs: 60_000,
  stableMs: 60_000,
};

export type RestartDecision =
  | { action: "start"; attempt: number }
  /** `newExit` is true the first time this exit is seen (report it once). */
  | { action: "wait"; delayMs: number; attempt: number; newExit: boolean };

interface Track {
  attempt: number;
  notBefore: number;
  /** Identifies the exit (podman's FinishedAt), so one exit is counted once. */
  exitId: string;
}

export class RestartPolicy {
  readonly #options: RestartPolicyOptions;
  readonly #tracks = new Map<string, Track>();

  constructor(options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {
    this.#options = options;
  }

  #delay(attempt: number): number {
    return Math.min(this.#options.maxMs, this.#options.initialMs * 2 ** (attempt - 1));
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

  /** The container was removed or replaced: its history no longer applies. */
  forget(container: string): void {
    this.#tracks.delete(container);
  }
}

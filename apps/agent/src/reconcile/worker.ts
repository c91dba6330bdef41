// Runs reconciles through the keyed queue (@fleet/runtime: one run per key at
// a time, requests made meanwhile collapse into one more run) and retries
// failing keys with backoff. Each failure is handed to `failed` with its
// attempt number and the time to the next attempt (the deployment stays Failed
// with both until it is fixed). The count starts over when the desired state
// changes. A failing key never stops the others.
import { KeyedQueue } from "@fleet/runtime";
import { messageOf } from "../errors.js";
import type { FailedAttempt } from "./phase-model.js";

export interface WorkerDeps {
  reconcile: (key: string) => Promise<void>;
  failed: (key: string, failure: FailedAttempt) => void;
  /** The payload hash the failed attempt worked on (a new one restarts the backoff). */
  desiredHash: (key: string) => string | undefined;
  /** Longest wait between retries of a failing key. */
  maxRetryMs: number;
}

export class ReconcileWorker {
  readonly #queue: KeyedQueue;

  constructor(deps: WorkerDeps) {
    this.#queue = new KeyedQueue((key) => deps.reconcile(key), {
      retry: { initialMs: 2_000, maxMs: deps.maxRetryMs },
      versionOf: deps.desiredHash,
      onFailure: (key, error, { attempt, retryInMs }) => {
        deps.failed(key, { error: messageOf(error), attempt, retryInMs });
      },
    });
  }

  enqueue(key: string): void {
    this.#queue.add(key);
  }

  /**
   * Reconcile `key` again in `delayMs` (the earliest pending request wins).
   * Returns the time until that next run.
   */
  retryLater(key: string, delayMs: number): number {
    return this.#queue.addAfter(key, delayMs);
  }

  /** Stops timers and waits for reconciles in flight to finish. */
  async stop(): Promise<void> {
    this.#queue.stop();
    await this.#queue.idle();
  }
}

// Runs reconciles through the per-key queue and retries failing keys with
// backoff. Each failure is handed to `failed` with its attempt number and the
// time to the next attempt (the deployment stays Failed with both until it is
// fixed). The count starts over when the desired state changes. A failing key
// never stops the others.
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import { Backoff } from "./backoff.js";
import { KeyedQueue } from "./keyed-queue.js";
import type { FailedAttempt } from "./phase-model.js";

export interface WorkerDeps {
  reconcile: (key: string) => Promise<void>;
  failed: (key: string, failure: FailedAttempt) => void;
  /** The payload hash the failed attempt worked on (a new one restarts the backoff). */
  desiredHash: (key: string) => string | undefined;
  logger: Logger;
  /** Longest wait between retries of a failing key. */
  maxRetryMs: number;
}

export class ReconcileWorker {
  readonly #deps: WorkerDeps;
  readonly #queue: KeyedQueue;
  readonly #failures = new Map<string, { hash: string | undefined; backoff: Backoff }>();
  readonly #timers = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  #stopped = false;

  constructor(deps: WorkerDeps) {
    this.#deps = deps;
    this.#queue = new KeyedQueue(
      (key) => this.#run(key),
      (key, error) => {
        deps.logger.error({ deployment: key, err: messageOf(error) }, "reconcile worker failed");
      },
    );
  }

  enqueue(key: string): void {
    if (!this.#stopped) this.#queue.enqueue(key);
  }

  /**
   * Reconcile `key` again in `delayMs` (the earliest pending request wins).
   * Returns the time until that next run.
   */
  retryLater(key: string, delayMs: number): number {
    if (this.#stopped) return delayMs;
    const now = Date.now();
    const due = now + delayMs;
    const pending = this.#timers.get(key);
    if (pending !== undefined && pending.due <= due) return pending.due - now;
    clearTimeout(pending?.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.enqueue(key);
    }, delayMs);
    this.#timers.set(key, { due, timer });
    return delayMs;
  }

  async #run(key: string): Promise<void> {
    try {
      await this.#deps.reconcile(key);
      this.#failures.delete(key);
    } catch (error) {
      const hash = this.#deps.desiredHash(key);
      let failing = this.#failures.get(key);
      if (failing === undefined || failing.hash !== hash) {
        const backoff = new Backoff({ initialMs: 2_000, maxMs: this.#deps.maxRetryMs });
        failing = { hash, backoff };
        this.#failures.set(key, failing);
      }
      const retryInMs = this.retryLater(key, failing.backoff.next());
      const attempt = failing.backoff.attempts;
      this.#deps.failed(key, { error: messageOf(error), attempt, retryInMs });
    }
  }

  /** Stops timers and waits for reconciles in flight to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await this.#queue.idle();
  }
}

// Runs reconciles through the per-key queue and turns their failures into
// status: the deployment goes Failed with the error's own text, the failure is
// recorded once in the event ring, and the key is retried with backoff. A
// failing key never stops the others.
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import type { EventRing } from "../status/event-ring.js";
import type { StatusBook } from "../status/status-book.js";
import { Backoff } from "./backoff.js";
import { KeyedQueue } from "./keyed-queue.js";

export interface WorkerDeps {
  reconcile: (key: string) => Promise<void>;
  book: StatusBook;
  ring: EventRing;
  logger: Logger;
  /** Longest wait between retries of a failing key. */
  maxRetryMs: number;
}

export class ReconcileWorker {
  readonly #deps: WorkerDeps;
  readonly #queue: KeyedQueue;
  readonly #failures = new Map<string, Backoff>();
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

  /** Reconcile `key` again in `delayMs` (the earliest pending request wins). */
  retryLater(key: string, delayMs: number): void {
    if (this.#stopped) return;
    const due = Date.now() + delayMs;
    const pending = this.#timers.get(key);
    if (pending !== undefined && pending.due <= due) return;
    clearTimeout(pending?.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.enqueue(key);
    }, delayMs);
    this.#timers.set(key, { due, timer });
  }

  async #run(key: string): Promise<void> {
    try {
      await this.#deps.reconcile(key);
      this.#failures.delete(key);
    } catch (error) {
      const message = messageOf(error);
      if (this.#deps.book.set(key, "Failed", message)) {
        this.#deps.ring.record({ severity: "Error", message, deployment: key });
      }
      let backoff = this.#failures.get(key);
      if (backoff === undefined) {
        backoff = new Backoff({ initialMs: 2_000, maxMs: this.#deps.maxRetryMs });
        this.#failures.set(key, backoff);
      }
      this.retryLater(key, backoff.next());
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

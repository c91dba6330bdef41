// A keyed work queue: a key is never processed by two workers at once, a key
// added while queued is not duplicated, a key added while running runs again
// afterwards, and a failure is retried with capped exponential backoff.
import type { Logger } from "../logger.js";

export interface WorkQueueOptions {
  concurrency: number;
  baseRetryMs: number;
  maxRetryMs: number;
  onDepthChange?: (depth: number) => void;
}

/** `force` asks the worker to redo work it would otherwise skip (e.g. a resync). */
export type Worker = (key: string, force: boolean) => Promise<void>;

export class KeyedWorkQueue {
  readonly #worker: Worker;
  readonly #options: WorkQueueOptions;
  readonly #log: Logger;
  /** Waiting keys, in order, with their accumulated force flag. */
  readonly #pending = new Map<string, boolean>();
  readonly #running = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #retryTimers = new Map<string, NodeJS.Timeout>();
  #stopped = false;
  #idleWaiters: (() => void)[] = [];

  constructor(worker: Worker, options: WorkQueueOptions, log: Logger) {
    this.#worker = worker;
    this.#options = options;
    this.#log = log;
  }

  get depth(): number {
    return this.#pending.size;
  }

  add(key: string, force = false): void {
    if (this.#stopped) return;
    this.#pending.set(key, (this.#pending.get(key) ?? false) || force);
    this.#report();
    this.#pump();
  }

  stop(): void {
    this.#stopped = true;
    this.#pending.clear();
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#retryTimers.clear();
  }

  /** Resolves once nothing is pending or running (tests and graceful shutdown). */
  idle(): Promise<void> {
    if (this.#pending.size === 0 && this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    for (const [key, force] of this.#pending) {
      if (this.#running.size >= this.#options.concurrency) return;
      if (this.#running.has(key)) continue;
      this.#pending.delete(key);
      this.#report();
      this.#running.add(key);
      void this.#process(key, force);
    }
  }

  async #process(key: string, force: boolean): Promise<void> {
    try {
      await this.#worker(key, force);
      this.#failures.delete(key);
    } catch (error) {
      this.#scheduleRetry(key, force, error);
    } finally {
      this.#running.delete(key);
      this.#pump();
      if (this.#pending.size === 0 && this.#running.size === 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  #scheduleRetry(key: string, force: boolean, error: unknown): void {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const capped = Math.min(
      this.#options.maxRetryMs,
      this.#options.baseRetryMs * 2 ** (failures - 1),
    );
    // Jitter spreads retries of many keys that failed together (e.g. NATS down).
    const delayMs = Math.round(capped * (0.5 + Math.random() / 2));
    this.#log.warn(
      { key, failures, retryInMs: delayMs, err: error },
      "reconcile failed; will retry",
    );
    clearTimeout(this.#retryTimers.get(key));
    const timer = setTimeout(() => {
      this.#retryTimers.delete(key);
      this.add(key, force);
    }, delayMs);
    timer.unref();
    this.#retryTimers.set(key, timer);
  }

  #report(): void {
    this.#options.onDepthChange?.(this.#pending.size);
  }
}

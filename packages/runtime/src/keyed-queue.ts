// A keyed work queue for level-triggered reconcilers (operator and agent):
// - a key is never worked on twice at once;
// - requests for a key that is waiting or running collapse into one more run;
// - different keys run concurrently, up to a limit;
// - a failed run is retried with capped, jittered backoff, reported with its
//   attempt number and the wait until the retry.
// With level-triggered work that is all the ordering a reconciler needs.
import { backoffDelay, type BackoffPolicy } from "./backoff.js";

/** `force` asks the worker to redo work it would otherwise skip (e.g. a resync). */
export type KeyWork = (key: string, force: boolean) => Promise<void>;

export interface FailedRun {
  /** Failed runs in a row for this key (and version), starting at 1. */
  attempt: number;
  /** When the key runs again. */
  retryInMs: number;
}

export interface KeyedQueueOptions {
  /** Retries of a failed key back off along this curve. */
  retry: BackoffPolicy;
  /** Keys worked on at once; unlimited by default. */
  concurrency?: number;
  /**
   * What a run of `key` works on, e.g. the hash of its desired state: a failure
   * of another version than the previous failure starts the count over.
   */
  versionOf?: (key: string) => string | undefined;
  /** Every failed run (the retry is already scheduled). */
  onFailure?: (key: string, error: unknown, run: FailedRun) => void;
  onDepthChange?: (depth: number) => void;
}

interface Failures {
  attempts: number;
  version: string | undefined;
}

interface Scheduled {
  due: number;
  force: boolean;
  timer: NodeJS.Timeout;
}

export class KeyedQueue {
  readonly #work: KeyWork;
  readonly #options: KeyedQueueOptions;
  /** Waiting keys, in order, with their accumulated force flag. */
  readonly #pending = new Map<string, boolean>();
  readonly #running = new Set<string>();
  readonly #failures = new Map<string, Failures>();
  readonly #scheduled = new Map<string, Scheduled>();
  #idleWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(work: KeyWork, options: KeyedQueueOptions) {
    this.#work = work;
    this.#options = options;
  }

  /** Keys waiting for a run (not counting those running or scheduled for later). */
  get depth(): number {
    return this.#pending.size;
  }

  add(key: string, force = false): void {
    if (this.#stopped) return;
    this.#pending.set(key, (this.#pending.get(key) ?? false) || force);
    this.#report();
    this.#pump();
  }

  /**
   * Runs `key` in `delayMs`; of two scheduled runs the earlier one wins.
   * Returns the time until the key's next scheduled run.
   */
  addAfter(key: string, delayMs: number, force = false): number {
    if (this.#stopped) return delayMs;
    const now = Date.now();
    const due = now + delayMs;
    const scheduled = this.#scheduled.get(key);
    if (scheduled !== undefined && scheduled.due <= due) {
      scheduled.force ||= force;
      return scheduled.due - now;
    }
    clearTimeout(scheduled?.timer);
    const entry: Scheduled = {
      due,
      force: force || (scheduled?.force ?? false),
      timer: setTimeout(() => {
        this.#scheduled.delete(key);
        this.add(key, entry.force);
      }, delayMs),
    };
    entry.timer.unref();
    this.#scheduled.set(key, entry);
    return delayMs;
  }

  /** Drops waiting and scheduled runs; runs in flight finish (await idle()). */
  stop(): void {
    this.#stopped = true;
    this.#pending.clear();
    this.#report();
    for (const { timer } of this.#scheduled.values()) clearTimeout(timer);
    this.#scheduled.clear();
    this.#settleIdle();
  }

  /** Resolves once nothing is waiting or running (scheduled retries do not count). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    for (const [key, force] of this.#pending) {
      if (this.#running.size >= (this.#options.concurrency ?? Number.POSITIVE_INFINITY)) return;
      if (this.#running.has(key)) continue;
      this.#pending.delete(key);
      this.#report();
      this.#running.add(key);
      void this.#run(key, force);
    }
  }

  async #run(key: string, force: boolean): Promise<void> {
    try {
      await this.#work(key, force);
      this.#failures.delete(key);
    } catch (error) {
      this.#failed(key, force, error);
    } finally {
      this.#running.delete(key);
      this.#pump();
      this.#settleIdle();
    }
  }

  #failed(key: string, force: boolean, error: unknown): void {
    const version = this.#options.versionOf?.(key);
    const previous = this.#failures.get(key);
    const attempt =
      previous === undefined || previous.version !== version ? 1 : previous.attempts + 1;
    this.#failures.set(key, { attempts: attempt, version });
    const retryInMs = this.addAfter(key, backoffDelay(attempt, this.#options.retry), force);
    this.#options.onFailure?.(key, error, { attempt, retryInMs });
  }

  #isIdle(): boolean {
    return this.#pending.size === 0 && this.#running.size === 0;
  }

  #settleIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #report(): void {
    this.#options.onDepthChange?.(this.#pending.size);
  }
}

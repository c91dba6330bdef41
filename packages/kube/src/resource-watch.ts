// The one list-then-watch mechanism for Kubernetes collections (Deployments in
// the operator, Devices in the identity service): list, then watch from the
// list's resourceVersion, keeping a cache of the objects as read. The watch is
// resumed when the server closes it, relisted on 410 Gone or any error (with
// jittered backoff), and a watchdog aborts a watch that went silent
// (client-node watches have been seen to stall without an error).
import { Backoff, type Logger } from "@fleet/runtime";
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import { setTimeout as delay } from "node:timers/promises";
import { WatchError } from "./watch-error.js";

/** What the watch needs of an object: its metadata's resourceVersion. */
export interface WatchedObject {
  metadata?: { resourceVersion?: string };
}

export interface ResourceWatchHandlers<T> {
  /** An object was added or changed (the whole object); the cache already holds it. */
  changed(key: string, object: T): void;
  /** An object is gone from the API server; `last` is what the cache held of it. */
  deleted(key: string, last: T | undefined): void;
  /** A full list completed; `keys` is every object that exists, `items` the whole objects. */
  listed(keys: readonly string[], items: readonly T[]): void;
}

export type WatchRestartReason = "watchdog" | "error";

export interface ResourceWatchOptions<T extends WatchedObject> {
  kc: KubeConfig;
  /** The collection's URL path, e.g. /apis/<group>/<version>/<plural>. */
  path: string;
  /** The same collection listed through the typed API. */
  list: () => Promise<{ items: T[]; resourceVersion: string }>;
  /** The cache key of an object (e.g. `<namespace>/<name>`). */
  keyOf: (object: T) => string;
  handlers: ResourceWatchHandlers<T>;
  /** Filled and kept current by the watch; pass one in to share it. */
  cache?: Map<string, T>;
  /** What the cache keeps of each object (default: all of it), to bound its memory. */
  keep?: (object: T) => T;
  /** Abort a watch that saw no event, bookmark or reconnect for this long. */
  watchdogMs: number;
  /** Names the collection in log lines, e.g. "deployments". */
  what: string;
  log: Logger;
  /** Called when the watch restarts on its own (metrics). */
  onRestart?: (reason: WatchRestartReason) => void;
}

type Outcome = "closed" | "relist";

async function withDeadline<R>(work: Promise<R>, ms: number, what: string): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} got no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ResourceWatch<T extends WatchedObject> {
  readonly cache: Map<string, T>;
  readonly #options: ResourceWatchOptions<T>;
  readonly #stop = new AbortController();
  #resourceVersion = "";
  #abort: (() => void) | undefined;
  #relistRequested = false;
  #lastActivity = Date.now();
  #watchdog: NodeJS.Timeout | undefined;
  #synced = false;
  #loop: Promise<void> | undefined;

  constructor(options: ResourceWatchOptions<T>) {
    this.#options = options;
    this.cache = options.cache ?? new Map<string, T>();
  }

  /** True once the first list has completed. */
  get synced(): boolean {
    return this.#synced;
  }

  start(): void {
    const { watchdogMs, log, what } = this.#options;
    this.#watchdog = setInterval(
      () => {
        if (Date.now() - this.#lastActivity > watchdogMs) {
          log.warn(
            { silentMs: Date.now() - this.#lastActivity },
            `${what} watch silent; restarting it`,
          );
          this.#options.onRestart?.("watchdog");
          this.requestRelist();
        }
      },
      Math.min(5000, watchdogMs),
    );
    this.#watchdog.unref();
    this.#loop = this.#run();
  }

  /** Ends the watch; a list or backoff in flight is abandoned. */
  stop(): void {
    this.#stop.abort();
    clearInterval(this.#watchdog);
    this.#abort?.();
  }

  /** Stops, and resolves once the loop has ended (nothing is called after this). */
  async close(): Promise<void> {
    this.stop();
    await this.#loop;
  }

  /** Ends the current watch and lists again (periodic resync, watchdog, reconnect). */
  requestRelist(): void {
    this.#relistRequested = true;
    this.#lastActivity = Date.now();
    this.#abort?.();
  }

  // A method, not a getter: the flag flips while the loop awaits (a read would be narrowed).
  #stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  async #run(): Promise<void> {
    const { log, what } = this.#options;
    const backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
    let mustList = true;
    while (!this.#stopped()) {
      try {
        if (mustList || this.#relistRequested) {
          this.#relistRequested = false;
          await this.#relist();
        }
        const outcome = await this.#watchOnce();
        backoff.reset();
        mustList = outcome === "relist";
      } catch (error) {
        if (this.#stopped()) break;
        mustList = true;
        this.#options.onRestart?.("error");
        const wait = backoff.next();
        log.warn(
          { err: describeError(error), failures: backoff.attempts, retryInMs: wait },
          `${what} watch failed; relisting`,
        );
        await delay(wait, undefined, { signal: this.#stop.signal }).catch(() => undefined);
      }
    }
  }

  #remember(key: string, object: T): void {
    this.cache.set(key, this.#options.keep === undefined ? object : this.#options.keep(object));
  }

  async #relist(): Promise<void> {
    const { list, keyOf, handlers, log, what } = this.#options;
    // A list can hang on a connection the server dropped without a word (an
    // API server restarted mid-request): give it the watchdog's time, then the
    // caller's error path relists with backoff instead of waiting forever.
    const listed = await withDeadline(list(), this.#options.watchdogMs, `listing ${what}`);
    if (this.#stopped()) return;
    this.#lastActivity = Date.now();
    const seen = new Set<string>();
    for (const item of listed.items) {
      const key = keyOf(item);
      seen.add(key);
      this.#remember(key, item);
    }
    for (const [key, last] of [...this.cache]) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      handlers.deleted(key, last);
    }
    this.#resourceVersion = listed.resourceVersion;
    this.#synced = true;
    log.debug({ count: seen.size, resourceVersion: listed.resourceVersion }, `listed ${what}`);
    handlers.listed([...seen], listed.items);
  }

  #watchOnce(): Promise<Outcome> {
    const { kc, path, keyOf, handlers } = this.#options;
    return new Promise<Outcome>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: Outcome | Error): void => {
        if (settled) return;
        settled = true;
        this.#abort = undefined;
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const params = {
        resourceVersion: this.#resourceVersion,
        allowWatchBookmarks: true,
        // Server-side close with jitter, so replicas and restarts do not line up.
        timeoutSeconds: 240 + Math.floor(Math.random() * 120),
      };
      const onEvent = (type: string, obj: T & { code?: number; message?: string }): void => {
        this.#lastActivity = Date.now();
        if (type === "ERROR") {
          if (obj.code === 410) finish("relist");
          else finish(new WatchError(`watch error: ${obj.message ?? "unknown"}`, obj.code));
          controller?.abort();
          return;
        }
        const rv = obj.metadata?.resourceVersion;
        if (rv !== undefined) this.#resourceVersion = rv;
        if (type === "BOOKMARK") return;
        const key = keyOf(obj);
        if (type === "DELETED") {
          this.cache.delete(key);
          handlers.deleted(key, obj);
        } else {
          this.#remember(key, obj);
          handlers.changed(key, obj);
        }
      };
      const onDone = (error: unknown): void => {
        const name = error instanceof Error || error instanceof DOMException ? error.name : "";
        // client-node aborts a watch idle for 30 s; that is a normal close, resume from rv.
        if (error === null || error === undefined || name === "TimeoutError") finish("closed");
        else if (this.#relistRequested || this.#stopped()) finish("relist");
        else {
          const status = (error as { statusCode?: number }).statusCode;
          finish(
            status === 410
              ? "relist"
              : new WatchError(`watch failed: ${describeError(error)}`, status, { cause: error }),
          );
        }
      };
      let controller: AbortController | undefined;
      this.#abort = () => {
        controller?.abort();
        finish("relist");
      };
      new Watch(kc)
        .watch(path, params, onEvent, onDone)
        .then((c) => {
          controller = c;
          this.#lastActivity = Date.now();
          if (settled) c.abort();
        })
        .catch((error: unknown) => {
          finish(
            new WatchError(`watch failed to start: ${describeError(error)}`, undefined, {
              cause: error,
            }),
          );
        });
    });
  }
}

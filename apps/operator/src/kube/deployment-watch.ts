// List, then watch from the list's resourceVersion, keeping a cache of raw CRs.
// The watch is restarted when the server closes it, relisted on 410 Gone or any
// error (with jittered backoff), and a watchdog aborts a watch that went silent
// (client-node watches have been seen to stall without an error).
import { Backoff } from "@fleet/runtime";
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import { setTimeout as delay } from "node:timers/promises";
import { describeError, WatchError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { deploymentsPath, type DeploymentApi, type RawDeployment } from "./deployment-api.js";

export interface WatchHandlers {
  /** A CR was added or changed (key `<namespace>/<name>`). */
  changed(key: string): void;
  /** A CR is gone from the API server. */
  deleted(key: string): void;
  /** A full list completed; `keys` is every CR that exists. */
  listed(keys: readonly string[]): void;
}

export interface DeploymentWatchOptions {
  namespace: string | undefined;
  /** Filled and kept current by the watch; readers see the latest version of each CR. */
  cache: Map<string, RawDeployment>;
  /** Abort a watch that saw no event, bookmark or reconnect for this long. */
  watchdogMs: number;
}

type Outcome = "closed" | "relist";

export const keyOf = (obj: RawDeployment): string =>
  `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;

export class DeploymentWatch {
  readonly cache: Map<string, RawDeployment>;
  readonly #kc: KubeConfig;
  readonly #api: DeploymentApi;
  readonly #handlers: WatchHandlers;
  readonly #options: DeploymentWatchOptions;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  #resourceVersion = "";
  #abort: (() => void) | undefined;
  #relistRequested = false;
  #stopped = false;
  #lastActivity = Date.now();
  #watchdog: NodeJS.Timeout | undefined;
  #synced = false;

  constructor(
    kc: KubeConfig,
    api: DeploymentApi,
    handlers: WatchHandlers,
    options: DeploymentWatchOptions,
    log: Logger,
    metrics: Metrics,
  ) {
    this.#kc = kc;
    this.#api = api;
    this.#handlers = handlers;
    this.#options = options;
    this.cache = options.cache;
    this.#log = log;
    this.#metrics = metrics;
  }

  /** True once the first list has completed. */
  get synced(): boolean {
    return this.#synced;
  }

  start(): void {
    this.#watchdog = setInterval(
      () => {
        if (Date.now() - this.#lastActivity > this.#options.watchdogMs) {
          this.#log.warn(
            { silentMs: Date.now() - this.#lastActivity },
            "deployment watch silent; restarting it",
          );
          this.#metrics.watchRestarts.inc({ watch: "deployments", reason: "watchdog" });
          this.requestRelist();
        }
      },
      Math.min(5000, this.#options.watchdogMs),
    );
    this.#watchdog.unref();
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#watchdog);
    this.#abort?.();
  }

  /** Ends the current watch and lists again (periodic resync, watchdog). */
  requestRelist(): void {
    this.#relistRequested = true;
    this.#lastActivity = Date.now();
    this.#abort?.();
  }

  async #loop(): Promise<void> {
    const backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
    let mustList = true;
    while (!this.#stopped) {
      try {
        if (mustList || this.#relistRequested) {
          this.#relistRequested = false;
          await this.#relist();
        }
        const outcome = await this.#watchOnce();
        backoff.reset();
        mustList = outcome === "relist";
      } catch (error) {
        mustList = true;
        this.#metrics.errors.inc({ area: "kube-watch" });
        this.#metrics.watchRestarts.inc({ watch: "deployments", reason: "error" });
        const wait = backoff.next();
        this.#log.warn(
          { err: describeError(error), failures: backoff.attempts, retryInMs: wait },
          "deployment watch failed; relisting",
        );
        await delay(wait);
      }
    }
  }

  async #relist(): Promise<void> {
    const list = await this.#api.list(this.#options.namespace);
    this.#lastActivity = Date.now();
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = keyOf(item);
      seen.add(key);
      this.cache.set(key, item);
    }
    for (const key of [...this.cache.keys()]) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.#handlers.deleted(key);
    }
    this.#resourceVersion = list.resourceVersion;
    this.#synced = true;
    this.#log.debug(
      { count: seen.size, resourceVersion: list.resourceVersion },
      "listed deployments",
    );
    this.#handlers.listed([...seen]);
  }

  #watchOnce(): Promise<Outcome> {
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
      const onEvent = (
        type: string,
        obj: RawDeployment & { code?: number; message?: string },
      ): void => {
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
          this.#handlers.deleted(key);
        } else {
          this.cache.set(key, obj);
          this.#handlers.changed(key);
        }
      };
      const onDone = (error: unknown): void => {
        const name = error instanceof Error || error instanceof DOMException ? error.name : "";
        // client-node aborts a watch idle for 30 s; that is a normal close, resume from rv.
        if (error === null || error === undefined || name === "TimeoutError") finish("closed");
        else if (this.#relistRequested || this.#stopped) finish("relist");
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
      new Watch(this.#kc)
        .watch(deploymentsPath(this.#options.namespace), params, onEvent, onDone)
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

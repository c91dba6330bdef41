// The operator's watch of Deployment CRs: the shared list-then-watch
// (@fleet/kube ResourceWatch) over the DeploymentApi, keyed `<namespace>/<name>`,
// with its restarts counted in the operator's metrics.
import { ResourceWatch } from "@fleet/kube";
import type { KubeConfig } from "@kubernetes/client-node";
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

export const keyOf = (obj: RawDeployment): string =>
  `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;

export class DeploymentWatch {
  readonly cache: Map<string, RawDeployment>;
  readonly #watch: ResourceWatch<RawDeployment>;

  constructor(
    kc: KubeConfig,
    api: DeploymentApi,
    handlers: WatchHandlers,
    options: DeploymentWatchOptions,
    log: Logger,
    metrics: Metrics,
  ) {
    this.cache = options.cache;
    this.#watch = new ResourceWatch<RawDeployment>({
      kc,
      path: deploymentsPath(options.namespace),
      list: () => api.list(options.namespace),
      keyOf,
      handlers: {
        changed: (key) => {
          handlers.changed(key);
        },
        deleted: (key) => {
          handlers.deleted(key);
        },
        listed: (keys) => {
          handlers.listed(keys);
        },
      },
      cache: options.cache,
      watchdogMs: options.watchdogMs,
      what: "deployments",
      log,
      onRestart: (reason) => {
        if (reason === "error") metrics.errors.inc({ area: "kube-watch" });
        metrics.watchRestarts.inc({ watch: "deployments", reason });
      },
    });
  }

  /** True once the first list has completed. */
  get synced(): boolean {
    return this.#watch.synced;
  }

  start(): void {
    this.#watch.start();
  }

  stop(): void {
    this.#watch.stop();
  }

  /** Ends the current watch and lists again (periodic resync, watchdog). */
  requestRelist(): void {
    this.#watch.requestRelist();
  }
}

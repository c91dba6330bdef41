// The operator's view of the Device registry: one list-then-watch of Devices
// (@fleet/kube's DeviceClient over the shared ResourceWatch), listed in pages
// and cut down to a small projection per device (device-summary.ts), so 50,000
// Devices stay a few MB. Every change is handed on by id; the cache answers
// what placement asks.
import { DeviceClient, type DeviceObject, type ResourceWatch } from "@fleet/kube";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { projectDevice, summarizeDevice, type DeviceSummary } from "./device-summary.js";
import type { DeviceLookup } from "./placement.js";

/** Devices per list page: small pages keep the list's peak memory low. */
const PAGE_SIZE = 500;

export interface DeviceRegistryHandlers {
  /** A Device was added, changed or deleted (its summary may be unchanged). */
  changed(device: string): void;
  /** A full list completed (the first one: the registry is in sync). */
  listed(): void;
}

export class DeviceRegistry implements DeviceLookup {
  readonly #cache = new Map<string, DeviceObject>();
  readonly #client: DeviceClient;
  readonly #handlers: DeviceRegistryHandlers;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  #watch: ResourceWatch<DeviceObject> | undefined;

  constructor(kc: KubeConfig, handlers: DeviceRegistryHandlers, log: Logger, metrics: Metrics) {
    this.#client = DeviceClient.forKubeConfig(kc);
    this.#handlers = handlers;
    this.#log = log;
    this.#metrics = metrics;
  }

  get size(): number {
    return this.#cache.size;
  }

  /** True once the first list has completed. */
  get synced(): boolean {
    return this.#watch?.synced ?? false;
  }

  has(device: string): boolean {
    return this.#cache.has(device);
  }

  get(device: string): DeviceSummary | undefined {
    const cached = this.#cache.get(device);
    return cached === undefined ? undefined : summarizeDevice(cached);
  }

  ids(): Iterable<string> {
    return this.#cache.keys();
  }

  start(): void {
    this.#watch = this.#client.watch(
      {
        changed: (device) => {
          this.#handlers.changed(device);
        },
        deleted: (device) => {
          this.#handlers.changed(device);
        },
        listed: () => {
          this.#handlers.listed();
        },
      },
      {
        log: this.#log,
        cache: this.#cache,
        keep: projectDevice,
        pageSize: PAGE_SIZE,
        onRestart: (reason) => {
          if (reason === "error") this.#metrics.errors.inc({ area: "kube-watch" });
          this.#metrics.watchRestarts.inc({ watch: "devices", reason });
        },
      },
    );
  }

  /** Ends the current watch and lists again (periodic resync). */
  requestRelist(): void {
    this.#watch?.requestRelist();
  }

  stop(): void {
    this.#watch?.stop();
  }
}

// Keeps the operator's fields of every Device's status true (transitions.ts
// decides what and when). Heartbeats only update an observation in memory and,
// when that makes a patch due, queue the device; the queue coalesces per device
// (one patch in flight per device, requests meanwhile collapse into one more)
// and every patch first waits for the shared rate limit, so a fleet coming
// online at once costs the API server a steady trickle, not a burst. A sweep
// finds devices whose heartbeats stopped. Devices without a CR are skipped:
// this never creates one, and a 404 (a Device deleted meanwhile) is fine.
import {
  deviceStatusSchema,
  type AgentStatus,
  type DeviceInventorySummary,
} from "@fleet/contracts";
import {
  isNotFound,
  isUnprocessable,
  type DeviceObject,
  type ResourceWatchHandlers,
} from "@fleet/kube";
import { KeyedQueue } from "@fleet/runtime";
import pThrottle from "p-throttle";
import { describeError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import {
  sameInventory,
  statusPatchFor,
  type DeviceStatusPatch,
  type Observation,
  type WrittenStatus,
} from "./transitions.js";

/** What the writer needs of the Kubernetes API. */
export interface DeviceStatusApi {
  /** JSON merge patch of the Device's status subresource; answers the whole object. */
  patchStatus(name: string, status: DeviceStatusPatch): Promise<DeviceObject>;
}

export interface DeviceStatusWriterOptions {
  /** The staleness window (contracts' isDeviceFresh). */
  windowMs: number;
  /** At most this many patches a second, over all devices. */
  patchesPerSecond: number;
  /** While online and unchanged, lastSeenAt is rewritten after this long. */
  lastSeenRefreshMs: number;
  /** Refuses writes once leadership is gone. */
  canWrite: () => boolean;
  now?: () => number;
}

/** Patches in flight at once; the rate limit is what bounds the load. */
const CONCURRENCY = 4;
/** The written fields the writer compares with (iot-identity's are left alone). */
const writtenSchema = deviceStatusSchema.pick({
  connectivity: true,
  lastSeenAt: true,
  agentVersion: true,
  inventory: true,
  reportedDeployments: true,
  conditions: true,
});

/** The operator's fields of a Device's status, as the API server holds them. */
export function writtenStatusOf(status: unknown): WrittenStatus {
  const parsed = writtenSchema.safeParse(status ?? {});
  // A status the schema refuses is rewritten from what the heartbeats say.
  return parsed.success ? parsed.data : { conditions: [] };
}

/**
 * What the Device watch keeps of each Device: its name and the operator's
 * status fields, parsed once here (a WrittenStatus), so 50,000 Devices are
 * held once, small.
 */
export function keepForStatus(device: DeviceObject): DeviceObject {
  return {
    metadata: { name: device.metadata?.name ?? "" },
    status: writtenStatusOf(device.status),
  };
}

export class DeviceStatusWriter {
  readonly #observed = new Map<string, Observation>();
  /**
   * Devices that have a CR, as keepForStatus keeps them: the Device watch's
   * cache (pass it as the watch's `cache`). After a patch the writer puts the
   * answer in, so the next heartbeat compares with it before the watch echoes it.
   */
  readonly devices = new Map<string, DeviceObject>();
  /** Devices whose last patch the API server refused as invalid: not retried until the CR changes. */
  readonly #rejected = new Set<string>();
  readonly #api: DeviceStatusApi;
  readonly #options: DeviceStatusWriterOptions;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  readonly #now: () => number;
  readonly #queue: KeyedQueue;
  readonly #stopThrottle = new AbortController();
  readonly #slot: () => Promise<void>;
  #startedAtMs = Number.POSITIVE_INFINITY;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(
    api: DeviceStatusApi,
    options: DeviceStatusWriterOptions,
    log: Logger,
    metrics: Metrics,
  ) {
    this.#api = api;
    this.#options = options;
    this.#log = log;
    this.#metrics = metrics;
    this.#now = options.now ?? Date.now;
    this.#slot = pThrottle({
      limit: options.patchesPerSecond,
      interval: 1000,
      signal: this.#stopThrottle.signal,
    })(() => Promise.resolve());
    this.#queue = new KeyedQueue((device) => this.#write(device), {
      concurrency: CONCURRENCY,
      retry: { initialMs: 1000, maxMs: 60_000 },
      onFailure: (device, error, { attempt, retryInMs }) => {
        this.#log.warn(
          { device, failures: attempt, retryInMs, err: describeError(error) },
          "device status patch failed; will retry",
        );
      },
    });
  }

  /** Devices with a CR whose status this writer keeps. */
  get size(): number {
    return this.devices.size;
  }

  /** Every heartbeat (cheap: a patch is queued only when one is due). */
  heartbeat(device: string, status: AgentStatus, receivedAtMs: number): void {
    const previous = this.#observed.get(device);
    const reportedDeployments = Object.keys(status.deployments).length;
    if (
      previous !== undefined &&
      previous.agentVersion === status.agentVersion &&
      previous.reportedDeployments === reportedDeployments &&
      sameInventory(previous.inventory, status.inventory)
    ) {
      // Same content as before: only the time moves (no new object per heartbeat).
      previous.receivedAtMs = Math.max(previous.receivedAtMs, receivedAtMs);
    } else {
      const inventory = summaryOf(status);
      this.#observed.set(device, {
        receivedAtMs,
        agentVersion: status.agentVersion,
        inventory,
        reportedDeployments,
      });
    }
    this.#check(device);
  }

  /** The device's heartbeat was deleted from KV: it is offline once the sweep sees it. */
  forget(device: string): void {
    this.#observed.delete(device);
    this.#check(device);
  }

  /** Handlers for the watch of Devices that fills `devices` (with keepForStatus). */
  readonly deviceHandlers: ResourceWatchHandlers<DeviceObject> = {
    changed: (name) => {
      this.#rejected.delete(name);
      this.#check(name);
    },
    deleted: (name) => {
      this.#rejected.delete(name);
    },
    listed: (names) => {
      this.#rejected.clear();
      for (const name of names) this.#check(name);
    },
  };

  /** Queues every device whose status is due a patch (offline transitions, hourly lastSeenAt). */
  sweep(): void {
    for (const device of this.devices.keys()) this.#check(device);
  }

  start(): void {
    this.#startedAtMs = this.#now();
    const period = Math.max(100, Math.min(1000, Math.floor(this.#options.windowMs / 5)));
    this.#sweeper = setInterval(() => {
      this.sweep();
    }, period);
    this.#sweeper.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#queue.stop();
    this.#stopThrottle.abort(new Error("device status writer stopped"));
    await this.#queue.idle();
  }

  #patchFor(device: string, nowMs: number): DeviceStatusPatch | undefined {
    // Kept by keepForStatus: its status is a WrittenStatus.
    const written = this.devices.get(device)?.status as WrittenStatus | undefined;
    // No CR: never created here. Refused as invalid: not until the CR changes.
    if (written === undefined || this.#rejected.has(device)) return undefined;
    return statusPatchFor(
      this.#observed.get(device),
      written,
      {
        windowMs: this.#options.windowMs,
        lastSeenRefreshMs: this.#options.lastSeenRefreshMs,
        startedAtMs: this.#startedAtMs,
      },
      nowMs,
    );
  }

  #check(device: string): void {
    if (this.#patchFor(device, this.#now()) !== undefined) this.#queue.add(device);
  }

  async #write(device: string): Promise<void> {
    if (this.#patchFor(device, this.#now()) === undefined) return;
    await this.#slot();
    // Decided after the wait: what is due may have changed meanwhile.
    const patch = this.#patchFor(device, this.#now());
    if (patch === undefined || !this.#options.canWrite()) return;
    try {
      const updated = await this.#api.patchStatus(device, patch);
      // Compare the next heartbeat with what was written, before the watch echoes it.
      if (this.devices.has(device)) this.devices.set(device, keepForStatus(updated));
      this.#metrics.deviceStatusPatches.inc({ result: "ok" });
      this.#log.debug({ device, patch }, "device status patched");
    } catch (error) {
      if (isNotFound(error)) {
        // Deleted meanwhile (the watch will say so too): nothing to write to.
        this.devices.delete(device);
        this.#metrics.deviceStatusPatches.inc({ result: "gone" });
        return;
      }
      this.#metrics.errors.inc({ area: "device-status-patch" });
      if (isUnprocessable(error)) {
        // Invalid for this CRD (e.g. an older schema): retrying cannot help until it changes.
        this.#rejected.add(device);
        this.#metrics.deviceStatusPatches.inc({ result: "rejected" });
        this.#log.error({ device, err: describeError(error) }, "device status patch rejected");
        return;
      }
      this.#metrics.deviceStatusPatches.inc({ result: "error" });
      throw error;
    }
  }
}

function summaryOf(status: AgentStatus): DeviceInventorySummary | undefined {
  const inventory = status.inventory;
  if (inventory === undefined) return undefined;
  const { arch, os, kernel, cpuCores, memoryBytes, diskBytes } = inventory;
  return { arch, os, kernel, cpuCores, memoryBytes, diskBytes };
}

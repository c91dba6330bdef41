// The registrar: one list-then-watch of every Device (the shared
// ResourceWatch, each kept as a small projection), and a keyed queue that
// makes each changed Device right: an approved enrolled device is issued its
// identity (issue-identity.ts), and iot-identity's status fields (phase,
// identity, message) are patched where they differ (device-status.ts).
// Level-triggered: a failure is retried with backoff, and the next event or
// relist of a Device redoes whatever is still wrong.
import { deviceSpecSchema, deviceStatusSchema, type DeviceStatus } from "@fleet/contracts";
import { isNotFound, type DeviceClient, type DeviceObject, type ResourceWatch } from "@fleet/kube";
import { KeyedQueue, type Logger } from "@fleet/runtime";
import type { Metrics } from "../metrics.js";
import { ownedStatusPatch } from "./device-status.js";
import { issueIdentity, needsIdentity, type MachineIdentities } from "./issue-identity.js";
import { Pacer } from "./pacer.js";

export interface RegistrarOptions {
  devices: DeviceClient;
  idp: MachineIdentities;
  log: Logger;
  metrics: Metrics;
  /** Status patches per second at most (default 20): the first pass over a big fleet is paced. */
  maxPatchesPerSecond?: number;
  /** Devices worked on at once (default 4). */
  concurrency?: number;
  /** Restart a watch that saw nothing for this long (default 90 s). */
  watchdogMs?: number;
  now?: () => Date;
}

const DEFAULT_MAX_PATCHES_PER_SECOND = 20;
/** Read the fleet in pages, each cut down to the projection before the next. */
const LIST_PAGE_SIZE = 500;

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * What the registrar keeps of a Device: the spec fields that decide its phase
 * (the enrollment, with its key, only while it has no identity: issuing reads
 * the Device afresh) and only its own status fields.
 */
export function registrarProjection(device: DeviceObject): DeviceObject {
  const spec = (device.spec ?? {}) as Record<string, unknown>;
  const status = (device.status ?? {}) as Record<string, unknown>;
  return {
    metadata: {
      ...(device.metadata?.name === undefined ? {} : { name: device.metadata.name }),
      ...(device.metadata?.resourceVersion === undefined
        ? {}
        : { resourceVersion: device.metadata.resourceVersion }),
    },
    spec: {
      disabled: spec.disabled,
      approved: spec.approved,
      identity: spec.identity,
      ...(spec.identity === undefined && spec.enrollment !== undefined
        ? { enrollment: spec.enrollment }
        : {}),
    },
    status: { phase: status.phase, identity: status.identity, message: status.message },
  };
}

export class Registrar {
  readonly #options: RegistrarOptions;
  readonly #queue: KeyedQueue;
  readonly #pacer: Pacer;
  readonly #cache = new Map<string, DeviceObject>();
  #watch: ResourceWatch<DeviceObject> | undefined;

  constructor(options: RegistrarOptions) {
    this.#options = options;
    this.#pacer = new Pacer(options.maxPatchesPerSecond ?? DEFAULT_MAX_PATCHES_PER_SECOND);
    this.#queue = new KeyedQueue((name) => this.#reconcile(name), {
      retry: { initialMs: 1000, maxMs: 60_000 },
      concurrency: options.concurrency ?? 4,
      onFailure: (name, error, run) => {
        options.log.warn(
          { device: name, attempt: run.attempt, retryInMs: run.retryInMs, err: describe(error) },
          "registrar: device not yet right; retrying",
        );
      },
    });
  }

  start(): void {
    const { log, devices } = this.#options;
    this.#watch = devices.watch(
      {
        changed: (name) => {
          this.#queue.add(name);
        },
        deleted: () => undefined,
        listed: (names) => {
          for (const name of names) this.#queue.add(name);
        },
      },
      {
        log,
        cache: this.#cache,
        keep: registrarProjection,
        pageSize: LIST_PAGE_SIZE,
        ...(this.#options.watchdogMs === undefined ? {} : { watchdogMs: this.#options.watchdogMs }),
      },
    );
  }

  /** The Device as the watch last saw it (a projection: a pending device's spec whole, an enrolled one's without its key). */
  cached(name: string): DeviceObject | undefined {
    return this.#cache.get(name);
  }

  /** Resolves once nothing is waiting or running (tests). */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  async stop(): Promise<void> {
    this.#queue.stop();
    await this.#watch?.close();
    await this.#queue.idle();
  }

  async #reconcile(name: string): Promise<void> {
    const { devices, idp, log, metrics } = this.#options;
    const device = this.#cache.get(name);
    if (device === undefined) return; // deleted
    const spec = deviceSpecSchema.safeParse(device.spec);
    if (!spec.success) {
      log.warn(
        { device: name, problem: spec.error.message },
        "registrar: Device spec malformed; skipped",
      );
      return;
    }
    const now = this.#options.now ?? (() => new Date());
    let issueError: Error | undefined;
    if (needsIdentity(spec.data)) {
      try {
        if ((await issueIdentity(name, { devices, idp })) === "issued") {
          metrics.registrar.inc({ action: "issue", result: "done" });
          log.info({ device: name }, "registrar: identity issued for the device's enrolled key");
          // The spec change comes back through the watch, which writes the status then.
          return;
        }
      } catch (error) {
        metrics.registrar.inc({ action: "issue", result: "failed" });
        issueError = error instanceof Error ? error : new Error(String(error));
      }
    }
    const current = deviceStatusSchema.partial().safeParse(device.status ?? {});
    const status: Partial<DeviceStatus> = current.success ? current.data : {};
    const patch = ownedStatusPatch(name, spec.data, status, now(), issueError?.message);
    if (patch !== undefined) {
      await this.#pacer.turn();
      try {
        await devices.patchStatus(name, patch);
        metrics.registrar.inc({ action: "status", result: "done" });
      } catch (error) {
        if (!isNotFound(error)) {
          metrics.registrar.inc({ action: "status", result: "failed" });
          throw error;
        }
      }
    }
    if (issueError !== undefined) throw issueError;
  }
}

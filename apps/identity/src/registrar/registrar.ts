// The registrar: one list-then-watch of every Device (the shared
// ResourceWatch, each kept as a small projection) and two keyed queues that
// make each changed Device right: one issues an approved enrolled device its
// identity (issue-identity.ts), the other patches iot-identity's status fields
// (phase, identity, message) where they differ (device-status.ts), paced, so
// a first pass over a large fleet never holds an approval back.
// Level-triggered: a failure is retried with backoff, and the next event or
// relist of a Device redoes whatever is still wrong.
import {
  deviceSpecSchema,
  deviceStatusSchema,
  type DeviceSpec,
  type DeviceStatus,
} from "@fleet/contracts";
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
  /** Approved devices to issue: a lane of its own, never waiting behind paced status writes. */
  readonly #issues: KeyedQueue;
  /** Status fields to make right, paced. */
  readonly #statuses: KeyedQueue;
  readonly #pacer: Pacer;
  readonly #cache = new Map<string, DeviceObject>();
  /** Why the last issue of a device failed, for its status message until it succeeds. */
  readonly #issueErrors = new Map<string, string>();
  #watch: ResourceWatch<DeviceObject> | undefined;

  constructor(options: RegistrarOptions) {
    this.#options = options;
    this.#pacer = new Pacer(options.maxPatchesPerSecond ?? DEFAULT_MAX_PATCHES_PER_SECOND);
    const queue = (work: (name: string) => Promise<void>, what: string): KeyedQueue =>
      new KeyedQueue(work, {
        retry: { initialMs: 1000, maxMs: 60_000 },
        concurrency: options.concurrency ?? 4,
        onFailure: (name, error, run) => {
          options.log.warn(
            { device: name, attempt: run.attempt, retryInMs: run.retryInMs, err: describe(error) },
            `registrar: ${what} failed; retrying`,
          );
        },
      });
    this.#issues = queue((name) => this.#issue(name), "issuing an identity");
    this.#statuses = queue((name) => this.#writeStatus(name), "writing a Device's status");
  }

  start(): void {
    const { log, devices } = this.#options;
    const look = (name: string): void => {
      const spec = this.#spec(name);
      if (spec !== undefined && needsIdentity(spec)) this.#issues.add(name);
      this.#statuses.add(name);
    };
    this.#watch = devices.watch(
      {
        changed: look,
        deleted: (name) => {
          this.#issueErrors.delete(name);
        },
        listed: (names) => {
          for (const name of names) look(name);
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

  /** The Device as the watch last saw it (registrarProjection). */
  cached(name: string): DeviceObject | undefined {
    return this.#cache.get(name);
  }

  /** Resolves once nothing is waiting or running (tests). */
  async idle(): Promise<void> {
    await Promise.all([this.#issues.idle(), this.#statuses.idle()]);
  }

  async stop(): Promise<void> {
    this.#issues.stop();
    this.#statuses.stop();
    await this.#watch?.close();
    await this.idle();
  }

  /** The cached Device's spec; undefined when gone or malformed (logged). */
  #spec(name: string): DeviceSpec | undefined {
    const device = this.#cache.get(name);
    if (device === undefined) return undefined;
    const spec = deviceSpecSchema.safeParse(device.spec);
    if (spec.success) return spec.data;
    this.#options.log.warn(
      { device: name, problem: spec.error.message },
      "registrar: Device spec malformed; skipped",
    );
    return undefined;
  }

  async #issue(name: string): Promise<void> {
    const { devices, idp, log, metrics } = this.#options;
    const spec = this.#spec(name);
    if (spec === undefined || !needsIdentity(spec)) return;
    try {
      if ((await issueIdentity(name, { devices, idp })) === "issued") {
        metrics.registrar.inc({ action: "issue", result: "done" });
        log.info({ device: name }, "registrar: identity issued for the device's enrolled key");
      }
      // Issued or not needed any more: the watch brings the Device as it is now.
      this.#issueErrors.delete(name);
    } catch (error) {
      metrics.registrar.inc({ action: "issue", result: "failed" });
      this.#issueErrors.set(name, describe(error));
      // The Device says why it waits; the queue retries the issue with backoff.
      this.#statuses.add(name);
      throw error;
    }
  }

  async #writeStatus(name: string): Promise<void> {
    const { devices, metrics } = this.#options;
    const device = this.#cache.get(name);
    const spec = this.#spec(name);
    if (device === undefined || spec === undefined) return;
    const current = deviceStatusSchema.partial().safeParse(device.status ?? {});
    const status: Partial<DeviceStatus> = current.success ? current.data : {};
    const now = this.#options.now ?? (() => new Date());
    const issueError = needsIdentity(spec) ? this.#issueErrors.get(name) : undefined;
    const patch = ownedStatusPatch(name, spec, status, now(), issueError);
    if (patch === undefined) return;
    await this.#pacer.turn();
    try {
      await devices.patchStatus(name, patch);
      metrics.registrar.inc({ action: "status", result: "done" });
    } catch (error) {
      if (isNotFound(error)) return;
      metrics.registrar.inc({ action: "status", result: "failed" });
      throw error;
    }
  }
}

// Coalesces status writes: heartbeats only mark CRs dirty; a timer flushes each
// dirty CR within its own patch budget (patch-budget.ts: about one patch per
// period, per CR, so a busy fleet never delays another CR's first change), and
// only if its status actually changed. A change of substance (a device's phase
// or error, a device coming or going) is flushed at once unless the CR was just
// patched twice; a change of only the newest heartbeat time or events waits for
// a full budget, so a busy fleet's heartbeats never hold a failure back by a
// period. A failed patch backs off exponentially per CR (up to 5 min), so a
// status the API server keeps rejecting (too large, invalid) is logged and
// counted, not hammered.
import { canonicalJson, desiredStateKey, type ReportLookup } from "@fleet/contracts";
import { backoffDelay } from "@fleet/runtime";
import { forEachLimited } from "../concurrency.js";
import { describeError } from "../errors.js";
import { isNotFound } from "@fleet/kube";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { buildStatus, statusPatchBody } from "./build-status.js";
import type { DeploymentRegistry } from "./deployment-registry.js";
import type { DeviceChange } from "./device-store.js";
import { PatchBudget } from "./patch-budget.js";
import { classifyPatchFailure } from "./patch-rejection.js";

/** Gathers the heartbeats of one burst into one pass. */
const BATCH_MS = 20;
/** Longest wait between two patch attempts of a CR whose patches keep failing. */
export const MAX_PATCH_BACKOFF_MS = 5 * 60_000;

interface PatchFailures {
  attempts: number;
  /** Not before this time (ms). */
  retryAt: number;
}

export type StatusPatch = (
  namespace: string,
  name: string,
  body: Record<string, unknown>,
) => Promise<void>;

export interface FlusherOptions {
  periodMs: number;
  stalenessWindowMs: number;
  /** Refuses writes once leadership is gone. */
  canWrite: () => boolean;
}

interface Dirty {
  /** When it first became dirty (ms), for the lag metric. */
  sinceMs: number;
  /** Something beyond the heartbeat time or events may have changed. */
  substantive: boolean;
}

export class StatusFlusher {
  /** CR key -> what is waiting to be written. */
  readonly #dirty = new Map<string, Dirty>();
  readonly #registry: DeploymentRegistry;
  readonly #lookup: ReportLookup;
  readonly #patch: StatusPatch;
  readonly #options: FlusherOptions;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;
  #flushing = false;
  readonly #budget: PatchBudget;
  /** CR key -> its run of failed patches, while it lasts. */
  readonly #failures = new Map<string, PatchFailures>();

  constructor(
    deps: { registry: DeploymentRegistry; lookup: ReportLookup; patch: StatusPatch },
    options: FlusherOptions,
    log: Logger,
    metrics: Metrics,
  ) {
    this.#registry = deps.registry;
    this.#lookup = deps.lookup;
    this.#patch = deps.patch;
    this.#options = options;
    this.#budget = new PatchBudget(options.periodMs);
    this.#log = log;
    this.#metrics = metrics;
  }

  /** `substantive` false: only the newest heartbeat time or events can have moved. */
  markDirty(key: string, sinceMs: number = Date.now(), substantive = true): void {
    const current = this.#dirty.get(key);
    this.#dirty.set(key, {
      sinceMs: Math.min(sinceMs, current?.sinceMs ?? sinceMs),
      substantive: substantive || (current?.substantive ?? false),
    });
    this.#schedule();
  }

  /** Every CR that targets the device; a change of substance for those whose deployment it touched. */
  markDevice(device: string, sinceMs: number, change: DeviceChange = "all"): void {
    for (const key of this.#registry.deploymentsOf(device)) {
      this.markDirty(key, sinceMs, change === "all" || this.#touches(change, device, key));
    }
  }

  /** Whether the device's changed deployments include this CR's. */
  #touches(changed: ReadonlySet<string>, device: string, key: string): boolean {
    const tracked = this.#registry.get(key);
    if (tracked === undefined) return false;
    return changed.has(
      desiredStateKey({ device, namespace: tracked.namespace, name: tracked.name }),
    );
  }

  start(): void {
    this.#started = true;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** When the CR may be patched again: within its budget, later while failing. */
  #dueAt(key: string, dirty: Dirty, nowMs: number): number {
    const budgeted = this.#budget.dueAt(key, dirty.substantive, nowMs);
    return Math.max(budgeted, this.#failures.get(key)?.retryAt ?? 0);
  }

  /** Records a failed attempt; returns the wait before the next one. */
  #backOff(key: string): number {
    const attempts = (this.#failures.get(key)?.attempts ?? 0) + 1;
    // Exact doubling from two periods: the patch budget per CR stays predictable.
    const wait = backoffDelay(attempts, {
      initialMs: 2 * this.#options.periodMs,
      maxMs: MAX_PATCH_BACKOFF_MS,
      jitter: 0,
    });
    this.#failures.set(key, { attempts, retryAt: Date.now() + wait });
    return wait;
  }

  /**
   * Leading edge per CR: a change within the CR's budget is flushed within a
   * few ms; otherwise it waits until the budget allows, so each CR gets about
   * one patch per period however many heartbeats arrive.
   */
  #schedule(): void {
    if (!this.#started || this.#stopped || this.#timer !== undefined || this.#flushing) return;
    if (this.#dirty.size === 0) return;
    const now = Date.now();
    let due = Number.POSITIVE_INFINITY;
    for (const [key, dirty] of this.#dirty) due = Math.min(due, this.#dueAt(key, dirty, now));
    const wait = Math.max(BATCH_MS, due - now);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = true;
      void this.flush().finally(() => {
        this.#flushing = false;
        this.#schedule();
      });
    }, wait);
  }

  /**
   * One pass over the dirty CRs that are due (all of them with `everything`, as
   * at shutdown); a failed patch stays dirty for the next pass.
   */
  async flush(everything = false): Promise<void> {
    if (this.#dirty.size === 0 || !this.#options.canWrite()) return;
    const passAt = Date.now();
    const batch = [...this.#dirty].filter(
      ([key, dirty]) => everything || this.#dueAt(key, dirty, passAt) <= passAt,
    );
    for (const [key] of batch) this.#dirty.delete(key);
    await forEachLimited(batch, 8, async ([key, dirty]) => {
      const { sinceMs } = dirty;
      const tracked = this.#registry.get(key);
      if (tracked === undefined) {
        this.#budget.forget(key);
        this.#failures.delete(key);
        return;
      }
      const now = Date.now();
      const status = buildStatus(tracked, this.#lookup, now, this.#options.stalenessWindowMs);
      const json = canonicalJson(status);
      if (json === tracked.lastStatusJson) return;
      if (!this.#options.canWrite()) return;
      const where = { namespace: tracked.namespace, name: tracked.name };
      this.#budget.spend(key, Date.now());
      try {
        await this.#patch(tracked.namespace, tracked.name, statusPatchBody(status));
        if (this.#failures.delete(key)) this.#log.info(where, "status patch works again");
        this.#registry.written(key, status.conditions, json);
        this.#metrics.statusPatches.inc({ result: "ok" });
        this.#metrics.aggregationLag.observe((Date.now() - sinceMs) / 1000);
        this.#log.debug(
          { namespace: tracked.namespace, name: tracked.name, aggregate: status.aggregate },
          "status patched",
        );
      } catch (error) {
        if (isNotFound(error)) {
          this.#metrics.statusPatches.inc({ result: "gone" });
          return;
        }
        this.#metrics.errors.inc({ area: "status-patch" });
        const failure = classifyPatchFailure(error);
        if (failure === "transient") {
          this.#metrics.statusPatches.inc({ result: "error" });
          const retryInMs = this.#backOff(key);
          this.#log.warn(
            { ...where, err: describeError(error), retryInMs },
            "status patch failed; will retry",
          );
        } else {
          this.#metrics.statusPatches.inc({ result: "rejected" });
          const retryInMs = this.#backOff(key);
          const bytes = new TextEncoder().encode(json).length;
          this.#log.error(
            { ...where, reason: failure, bytes, err: describeError(error), retryInMs },
            failure === "too-large"
              ? "status patch rejected: the object is too large; backing off"
              : "status patch rejected as invalid; backing off",
          );
        }
        // Tried again once due: a later status may differ (or the spec shrink).
        this.markDirty(key, sinceMs, dirty.substantive);
      }
    });
  }
}

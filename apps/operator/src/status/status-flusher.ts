// Coalesces status writes: heartbeats only mark CRs dirty; a timer flushes each
// dirty CR at most once per period (per CR, so a busy fleet never delays another
// CR's first change), and only if its status actually changed. A failed patch
// backs off exponentially per CR (up to 5 min), so a status the API server
// keeps rejecting (too large, invalid) is logged and counted, not hammered.
import { canonicalJson, type ReportLookup } from "@fleet/contracts";
import { backoffDelay } from "@fleet/runtime";
import { forEachLimited } from "../concurrency.js";
import { describeError } from "../errors.js";
import { isNotFound } from "@fleet/kube";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { buildStatus, statusPatchBody } from "./build-status.js";
import type { DeploymentRegistry } from "./deployment-registry.js";
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

export class StatusFlusher {
  /** CR key -> when it first became dirty (ms), for the lag metric. */
  readonly #dirty = new Map<string, number>();
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
  /** CR key -> when its status was last patched (ms). */
  readonly #lastPatchAt = new Map<string, number>();
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
    this.#log = log;
    this.#metrics = metrics;
  }

  markDirty(key: string, sinceMs: number = Date.now()): void {
    const current = this.#dirty.get(key);
    if (current === undefined || sinceMs < current) this.#dirty.set(key, sinceMs);
    this.#schedule();
  }

  /** Every CR that targets the device. */
  markDevice(device: string, sinceMs: number): void {
    for (const key of this.#registry.deploymentsOf(device)) this.markDirty(key, sinceMs);
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

  /** When the CR may be patched again: a period after the last patch, later while failing. */
  #dueAt(key: string): number {
    const afterPatch = (this.#lastPatchAt.get(key) ?? 0) + this.#options.periodMs;
    return Math.max(afterPatch, this.#failures.get(key)?.retryAt ?? 0);
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
   * Leading edge per CR: a CR's change after its own quiet period is flushed
   * within a few ms; a CR patched less than one period ago waits for the rest
   * of it, so each CR gets at most one patch per period however many
   * heartbeats arrive.
   */
  #schedule(): void {
    if (!this.#started || this.#stopped || this.#timer !== undefined || this.#flushing) return;
    if (this.#dirty.size === 0) return;
    let due = Number.POSITIVE_INFINITY;
    for (const key of this.#dirty.keys()) due = Math.min(due, this.#dueAt(key));
    const wait = Math.max(BATCH_MS, due - Date.now());
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
    const batch = [...this.#dirty].filter(([key]) => everything || this.#dueAt(key) <= passAt);
    for (const [key] of batch) this.#dirty.delete(key);
    await forEachLimited(batch, 8, async ([key, sinceMs]) => {
      const tracked = this.#registry.get(key);
      if (tracked === undefined) {
        this.#lastPatchAt.delete(key);
        this.#failures.delete(key);
        return;
      }
      const now = Date.now();
      const status = buildStatus(tracked, this.#lookup, now, this.#options.stalenessWindowMs);
      const json = canonicalJson(status);
      if (json === tracked.lastStatusJson) return;
      if (!this.#options.canWrite()) return;
      const where = { namespace: tracked.namespace, name: tracked.name };
      try {
        await this.#patch(tracked.namespace, tracked.name, statusPatchBody(status));
        if (this.#failures.delete(key)) this.#log.info(where, "status patch works again");
        this.#lastPatchAt.set(key, Date.now());
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
        this.markDirty(key, sinceMs);
      }
    });
  }
}

// Coalesces status writes: heartbeats only mark CRs dirty; a timer flushes each
// dirty CR within its own patch budget (patch-budget.ts: about one patch per
// period, per CR, so a busy fleet never delays another CR's first change), and
// only if its status actually changed. A change of substance (a device's phase
// or error, a device coming or going) is flushed at once unless the CR was just
// patched twice; a change of only the newest heartbeat time or events waits for
// a full budget, so a busy fleet's heartbeats never hold a failure back by a
// period. Each CR is patched on its own as soon as it is due and one of a few
// lanes is free, changes of substance first, so one CR's change never waits for
// a whole round of other CRs' patches. A failed patch backs off exponentially
// per CR (up to 5 min), so a status the API server keeps rejecting (too large,
// invalid) is logged and counted, not hammered.
// A rollout transition is not paced at all: the reconciler awaits writeNow(),
// which patches the CR at once (after any patch of it in flight), so
// status.rollout is recorded before a device is written what it decided.
import {
  canonicalJson,
  desiredStateKey,
  type DeploymentStatus,
  type ReportLookup,
  type RolloutStatus,
} from "@fleet/contracts";
import { backoffDelay } from "@fleet/runtime";
import { forEachLimited } from "../concurrency.js";
import { describeError, LeadershipLostError } from "../errors.js";
import { isNotFound } from "@fleet/kube";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { buildStatus, statusPatchBody } from "./build-status.js";
import type { DeploymentRegistry, TrackedDeployment } from "./deployment-registry.js";
import type { DeviceChange } from "./device-store.js";
import { PatchBudget } from "./patch-budget.js";
import { classifyPatchFailure } from "./patch-rejection.js";

/** Gathers the heartbeats of one burst into one patch. */
const BATCH_MS = 20;
/** Status patches in flight at once, over all CRs. */
const LANES = 8;
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

export interface FlusherDeps {
  registry: DeploymentRegistry;
  lookup: ReportLookup;
  patch: StatusPatch;
  /** status.rollout as the rollout controller holds it (undefined: leave the CR's as it is). */
  rolloutOf?: (key: string) => RolloutStatus | undefined;
  /** Malformed rollout commands being ignored for the CR ("" when none). */
  commandProblemOf?: (key: string) => string;
}

export interface FlusherOptions {
  periodMs: number;
  /** A change of only the newest heartbeat time or events waits this long after the CR's last patch (default: periodMs). */
  routinePeriodMs?: number;
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
  readonly #rolloutOf: (key: string) => RolloutStatus | undefined;
  readonly #commandProblemOf: (key: string) => string;
  readonly #options: FlusherOptions;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (ms). */
  #timerAt = Number.POSITIVE_INFINITY;
  #started = false;
  #stopped = false;
  /** CR keys whose patch is in flight (a CR is never patched twice at once), with its end. */
  readonly #inFlight = new Map<string, Promise<void>>();
  #idleWaiters: (() => void)[] = [];
  readonly #budget: PatchBudget;
  /** CR key -> its run of failed patches, while it lasts. */
  readonly #failures = new Map<string, PatchFailures>();

  constructor(deps: FlusherDeps, options: FlusherOptions, log: Logger, metrics: Metrics) {
    this.#registry = deps.registry;
    this.#lookup = deps.lookup;
    this.#patch = deps.patch;
    this.#rolloutOf = deps.rolloutOf ?? (() => undefined);
    this.#commandProblemOf = deps.commandProblemOf ?? (() => "");
    this.#options = options;
    this.#budget = new PatchBudget(options.periodMs, options.routinePeriodMs);
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

  /** When the CR may be patched: a burst's heartbeats gathered, within its budget, later while failing. */
  #dueAt(key: string, dirty: Dirty, nowMs: number): number {
    const budgeted = this.#budget.dueAt(key, dirty.substantive, nowMs);
    return Math.max(budgeted, dirty.sinceMs + BATCH_MS, this.#failures.get(key)?.retryAt ?? 0);
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
   * one patch per period however many heartbeats arrive. The timer is only
   * armed while a lane is free: a finished patch pumps the next one itself.
   * A change due sooner than the armed timer re-arms it: a failure never waits
   * for the time another CR's routine change is due.
   */
  #schedule(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#dirty.size === 0 || this.#inFlight.size >= LANES) return;
    const now = Date.now();
    let due = Number.POSITIVE_INFINITY;
    for (const [key, dirty] of this.#dirty) {
      if (!this.#inFlight.has(key)) due = Math.min(due, this.#dueAt(key, dirty, now));
    }
    if (due === Number.POSITIVE_INFINITY) return;
    const at = now + Math.max(BATCH_MS, due - now);
    if (this.#timer !== undefined) {
      if (this.#timerAt <= at) return;
      clearTimeout(this.#timer);
    }
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
      this.#schedule();
    }, at - now);
  }

  /** The next due CR not in flight: a change of substance before a routine one. */
  #nextDue(nowMs: number): [string, Dirty] | undefined {
    let routine: [string, Dirty] | undefined;
    for (const entry of this.#dirty) {
      const [key, dirty] = entry;
      if (this.#inFlight.has(key) || this.#dueAt(key, dirty, nowMs) > nowMs) continue;
      if (dirty.substantive) return entry;
      routine ??= entry;
    }
    return routine;
  }

  /** Starts due patches while lanes are free. */
  #pump(): void {
    if (this.#stopped || !this.#options.canWrite()) return;
    const now = Date.now();
    while (this.#inFlight.size < LANES) {
      const next = this.#nextDue(now);
      if (next === undefined) return;
      this.#launch(next);
    }
  }

  #launch([key, dirty]: [string, Dirty]): void {
    this.#dirty.delete(key);
    this.#hold(key, this.#flushOne(key, dirty));
  }

  /** Marks the CR's patch in flight until `work` settles, then frees the lane. */
  #hold(key: string, work: Promise<void>): void {
    const done = work
      .catch(() => undefined)
      .finally(() => {
        this.#inFlight.delete(key);
        if (this.#inFlight.size === 0) {
          const waiters = this.#idleWaiters;
          this.#idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
        this.#pump();
        this.#schedule();
      });
    this.#inFlight.set(key, done);
  }

  /**
   * Patches the CR's whole status now, whatever its budget, after any patch
   * of it in flight; resolves once the API server has it, throws if it
   * refused (the CR stays dirty). For rollout transitions (write-ahead).
   */
  async writeNow(key: string): Promise<void> {
    for (let inFlight = this.#inFlight.get(key); inFlight !== undefined;) {
      await inFlight;
      inFlight = this.#inFlight.get(key);
    }
    if (!this.#options.canWrite())
      throw new LeadershipLostError("not the leader: refusing to patch status");
    const dirty = this.#dirty.get(key);
    this.#dirty.delete(key);
    const work = this.#writeNow(key, dirty?.sinceMs ?? Date.now());
    this.#hold(key, work);
    await work;
  }

  async #writeNow(key: string, sinceMs: number): Promise<void> {
    const tracked = this.#registry.get(key);
    if (tracked === undefined) return;
    const status = this.#build(tracked, Date.now());
    const json = canonicalJson(status);
    this.#budget.spend(key, Date.now());
    try {
      await this.#patch(tracked.namespace, tracked.name, statusPatchBody(status));
    } catch (error) {
      // Rejected even when the CR is gone: the caller must not write devices for it.
      if (isNotFound(error)) {
        this.#metrics.statusPatches.inc({ result: "gone" });
        throw error;
      }
      this.#metrics.statusPatches.inc({ result: "error" });
      this.#metrics.errors.inc({ area: "status-patch" });
      this.markDirty(key, sinceMs);
      throw error;
    }
    this.#failures.delete(key);
    this.#registry.written(key, status.conditions, json);
    this.#metrics.statusPatches.inc({ result: "ok" });
    this.#metrics.aggregationLag.observe((Date.now() - sinceMs) / 1000);
  }

  #build(tracked: TrackedDeployment, nowMs: number): DeploymentStatus {
    return buildStatus(
      {
        generation: tracked.generation,
        targets: tracked.targets,
        conflict: tracked.conflict,
        specProblem: tracked.specProblem,
        previousConditions: tracked.previousConditions,
        rollout: this.#rolloutOf(tracked.key),
        commandProblem: this.#commandProblemOf(tracked.key),
      },
      this.#lookup,
      nowMs,
      this.#options.stalenessWindowMs,
    );
  }

  #idle(): Promise<void> {
    if (this.#inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Writes what is due now and waits for every patch in flight; with
   * `everything` (at shutdown, after stop()) every dirty CR is written once,
   * whatever its budget. A failed patch stays dirty.
   */
  async flush(everything = false): Promise<void> {
    if (!everything) {
      this.#pump();
      await this.#idle();
      return;
    }
    await this.#idle();
    if (!this.#options.canWrite()) return;
    const batch = [...this.#dirty];
    this.#dirty.clear();
    await forEachLimited(batch, LANES, ([key, dirty]) => this.#flushOne(key, dirty));
  }

  async #flushOne(key: string, dirty: Dirty): Promise<void> {
    const { sinceMs } = dirty;
    const tracked = this.#registry.get(key);
    if (tracked === undefined) {
      this.#budget.forget(key);
      this.#failures.delete(key);
      return;
    }
    const status = this.#build(tracked, Date.now());
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
  }
}

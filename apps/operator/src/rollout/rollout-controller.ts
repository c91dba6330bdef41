// The operator's side of staged rollouts that is not pure decision: the
// rollout state of each CR in memory (status.rollout as last recorded), the
// inputs the planner (plan.ts) is given, the timers it asks for (a batch
// timeout, a pause ending), and the heartbeats that move a rollout on: a
// device of a CR whose rollout is under way that changes its report or its
// freshness queues that CR again, at most once per second per CR.
// The reconciler (controller/reconciler.ts) does the I/O around it: the
// write-ahead status patch of a transition, then the device entries.
import {
  desiredStateKey,
  isDeviceFresh,
  rolloutCommandsOf,
  rolloutStatusSchema,
  type DeviceReport,
  type RolloutPhase,
  type RolloutSpec,
  type RolloutStatus,
} from "@fleet/contracts";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { DeviceChange } from "../status/device-store.js";
import {
  planRollout,
  type DeviceRolloutReport,
  type RolloutDecision,
  type RolloutInputs,
} from "./plan.js";

/** A CR is re-evaluated for heartbeats at most this often. */
export const HEARTBEAT_REEVALUATION_MS = 1000;

/** Phases after which nothing moves until the spec or a command changes. */
const FINAL_PHASES: ReadonlySet<RolloutPhase> = new Set(["Completed", "RolledBack"]);

export interface RolloutControllerDeps {
  /** Queues the CR for a reconcile. */
  requeue: (key: string) => void;
  /** The device's latest heartbeat (DeviceStatusStore). */
  reports: (device: string) => DeviceReport | undefined;
  /** The device's labels (Device registry); undefined for ids without a Device CR. */
  labelsOf: (device: string) => Readonly<Record<string, string>> | undefined;
  /** Whether the CR is placed on the device (placement). */
  isPlaced: (key: string, device: string) => boolean;
  stalenessWindowMs: number;
  log: Logger;
  metrics: Metrics;
  now?: () => number;
  /** The planner; planRollout unless a test gives its own. */
  plan?: (inputs: RolloutInputs) => RolloutDecision;
}

/** What the reconciler knows of a CR when it evaluates its rollout. */
export interface EvaluateInput {
  key: string;
  namespace: string;
  name: string;
  uid: string;
  spec: RolloutSpec | undefined;
  target: { revision: number; hash: string };
  devices: readonly string[];
  held: (device: string) => number | undefined;
  annotations: Readonly<Record<string, string>> | undefined;
  previous: RolloutStatus | undefined;
}

interface Remembered {
  uid: string;
  status: RolloutStatus;
}

/** Still moving, or finished with devices whose result is not in yet: heartbeats matter. */
function listensToHeartbeats(status: RolloutStatus): boolean {
  if (!FINAL_PHASES.has(status.phase)) return true;
  if (status.phase !== "Completed") return false;
  // Any batch, not just the last: a device deferred in batch 2 that returns must count as updated there.
  return status.batches.some((batch) => batch.updated + batch.failed < batch.devices);
}

export class RolloutController {
  readonly #deps: RolloutControllerDeps;
  readonly #now: () => number;
  readonly #plan: (inputs: RolloutInputs) => RolloutDecision;
  readonly #memory = new Map<string, Remembered>();
  /** CRs whose rollout listens to heartbeats. */
  readonly #listening = new Set<string>();
  readonly #wakeTimers = new Map<string, NodeJS.Timeout>();
  readonly #nudgeTimers = new Map<string, NodeJS.Timeout>();
  readonly #lastNudgeMs = new Map<string, number>();
  /** CRs queued by a heartbeat or a timer: their next run must evaluate, even if nothing else changed. */
  readonly #wanted = new Set<string>();
  /** The malformed commands last logged per CR, so each is logged once. */
  readonly #loggedProblems = new Map<string, string>();

  constructor(deps: RolloutControllerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#plan = deps.plan ?? planRollout;
  }

  /** status.rollout as last recorded for the CR, if it is this uid's. */
  current(key: string): RolloutStatus | undefined {
    return this.#memory.get(key)?.status;
  }

  /** The recorded rollout: from memory, else as the CR's status has it (after a restart). */
  previous(key: string, uid: string, fromServer: unknown): RolloutStatus | undefined {
    const remembered = this.#memory.get(key);
    if (remembered?.uid === uid) return remembered.status;
    const parsed = rolloutStatusSchema.safeParse(fromServer);
    return parsed.success ? parsed.data : undefined;
  }

  /** Nothing in the rollout can move without a spec change, a command or a device flip. */
  isSettled(key: string): boolean {
    const status = this.#memory.get(key)?.status;
    return status !== undefined && !this.#listening.has(key);
  }

  /**
   * The one revision every placed device holds when the rollout is settled
   * (Completed: the target; RolledBack: the stable one); undefined otherwise.
   */
  settledRevision(key: string): number | undefined {
    const status = this.#memory.get(key)?.status;
    if (status === undefined || !this.isSettled(key)) return undefined;
    if (status.phase === "Completed") return status.revision;
    if (status.phase === "RolledBack") return status.stableRevision;
    return undefined;
  }

  /**
   * Whether a heartbeat or a timer asked for the CR to be evaluated since its
   * last evaluation (and clears the request). Other runs of a CR whose spec
   * and commands are unchanged (its own status patches) need no evaluation.
   */
  takeWanted(key: string): boolean {
    return this.#wanted.delete(key);
  }

  /** Runs the planner on what is known now; also reports malformed commands (once each). */
  evaluate(input: EvaluateInput): RolloutDecision {
    const { commands, problems } = rolloutCommandsOf(input.annotations);
    this.#reportProblems(input, problems);
    const { reports, labelsOf, stalenessWindowMs } = this.#deps;
    const nowMs = this.#now();
    const { namespace, name } = input;
    const report = (device: string): DeviceRolloutReport | undefined => {
      const latest = reports(device);
      if (latest === undefined) return undefined;
      const mine = latest.deployments[desiredStateKey({ device, namespace, name })];
      return {
        fresh: isDeviceFresh(latest, nowMs, stalenessWindowMs),
        revision: mine?.revision,
        phase: mine?.phase,
        lastError: mine?.lastError,
        at: mine?.lastEventAt ?? latest.heartbeatAt,
      };
    };
    return this.#plan({
      spec: input.spec,
      target: input.target,
      devices: input.devices,
      labelsOf,
      held: input.held,
      report,
      commands,
      previous: input.previous,
      nowMs,
    });
  }

  /**
   * Records the status the CR now has (in memory; the flusher writes it),
   * arms the wake-up the planner asked for, and returns an undo for a
   * write-ahead patch that failed.
   */
  record(key: string, uid: string, decision: RolloutDecision): () => void {
    const before = this.#memory.get(key);
    this.#remember(key, { uid, status: decision.status });
    this.#wakeAt(key, decision.wakeAtMs);
    return () => {
      if (before === undefined) this.#memory.delete(key);
      else this.#remember(key, before);
    };
  }

  /** A transition reached the CR's status: counted by the phase it entered. */
  transitioned(key: string, status: RolloutStatus): void {
    this.#deps.metrics.rolloutTransitions.inc({ phase: status.phase });
    const { phase, revision, currentBatch, totalBatches, message } = status;
    const [namespace, name] = key.split("/");
    this.#deps.log.info(
      { namespace, name, phase, revision, batch: currentBatch, batches: totalBatches, message },
      "rollout transition recorded",
    );
  }

  /**
   * A device's report or freshness changed: each CR placed on it whose rollout
   * listens to heartbeats is queued again, at most once per second.
   */
  deviceChanged(device: string, change: DeviceChange): void {
    for (const key of this.#listening) {
      if (!this.#deps.isPlaced(key, device)) continue;
      if (change !== "all" && !this.#touches(change, device, key)) continue;
      this.#nudge(key);
    }
  }

  /** Active rollouts (not Completed or RolledBack), for the gauge (read once a second). */
  get activeCount(): number {
    let active = 0;
    for (const { status } of this.#memory.values()) if (!FINAL_PHASES.has(status.phase)) active++;
    return active;
  }

  /** The CR is gone: its state and timers go with it. */
  forget(key: string): void {
    this.#memory.delete(key);
    this.#listening.delete(key);
    this.#loggedProblems.delete(key);
    this.#lastNudgeMs.delete(key);
    this.#wanted.delete(key);
    this.#clear(this.#wakeTimers, key);
    this.#clear(this.#nudgeTimers, key);
  }

  stop(): void {
    for (const timer of this.#wakeTimers.values()) clearTimeout(timer);
    for (const timer of this.#nudgeTimers.values()) clearTimeout(timer);
    this.#wakeTimers.clear();
    this.#nudgeTimers.clear();
  }

  #remember(key: string, remembered: Remembered): void {
    this.#memory.set(key, remembered);
    if (listensToHeartbeats(remembered.status)) this.#listening.add(key);
    else this.#listening.delete(key);
  }

  #touches(changed: ReadonlySet<string>, device: string, key: string): boolean {
    const [namespace = "", name = ""] = key.split("/");
    return changed.has(desiredStateKey({ device, namespace, name }));
  }

  #nudge(key: string): void {
    if (this.#nudgeTimers.has(key)) return; // one is already on its way
    const now = this.#now();
    const wait = (this.#lastNudgeMs.get(key) ?? -Infinity) + HEARTBEAT_REEVALUATION_MS - now;
    if (wait <= 0) {
      this.#lastNudgeMs.set(key, now);
      this.#want(key);
      return;
    }
    const timer = setTimeout(() => {
      this.#nudgeTimers.delete(key);
      this.#lastNudgeMs.set(key, this.#now());
      this.#want(key);
    }, wait);
    timer.unref();
    this.#nudgeTimers.set(key, timer);
  }

  #wakeAt(key: string, atMs: number | undefined): void {
    this.#clear(this.#wakeTimers, key);
    if (atMs === undefined) return;
    const timer = setTimeout(
      () => {
        this.#wakeTimers.delete(key);
        this.#want(key);
      },
      Math.max(0, atMs - this.#now()),
    );
    timer.unref();
    this.#wakeTimers.set(key, timer);
  }

  #want(key: string): void {
    this.#wanted.add(key);
    this.#deps.requeue(key);
  }

  #clear(timers: Map<string, NodeJS.Timeout>, key: string): void {
    clearTimeout(timers.get(key));
    timers.delete(key);
  }

  #reportProblems(input: EvaluateInput, problems: readonly string[]): void {
    const text = problems.join("; ");
    if (this.#loggedProblems.get(input.key) === text) return;
    if (text === "") {
      this.#loggedProblems.delete(input.key);
      return;
    }
    this.#loggedProblems.set(input.key, text);
    this.#deps.metrics.errors.inc({ area: "rollout-command" });
    this.#deps.log.warn(
      { namespace: input.namespace, name: input.name, err: text },
      "ignoring a malformed rollout command",
    );
  }

  /** Malformed commands of the CR as last seen ("" when none), for its conditions. */
  commandProblems(key: string): string {
    return this.#loggedProblems.get(key) ?? "";
  }
}

// The rollout controller's own logic with a recording planner in place of
// plan.ts (whose rules have their own tests): what the planner is given,
// what is remembered, and when a CR is queued again (timers, heartbeats).
import {
  ROLLOUT_APPROVE_ANNOTATION,
  ROLLOUT_ROLLBACK_ANNOTATION,
  type DeviceReport,
  type RolloutPhase,
  type RolloutStatus,
} from "@fleet/contracts";
import { heartbeat, keyFor, T0 } from "@fleet/contracts/testing/reports";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMetrics, type Metrics } from "../metrics.js";
import type { RolloutDecision, RolloutInputs } from "./plan.js";
import {
  HEARTBEAT_REEVALUATION_MS,
  RolloutController,
  type EvaluateInput,
} from "./rollout-controller.js";

const WINDOW = 3000;
const KEY = "ns/web";

function status(phase: RolloutPhase, extra: Partial<RolloutStatus> = {}): RolloutStatus {
  return {
    revision: 2,
    stableRevision: 1,
    phase,
    currentBatch: 1,
    totalBatches: 2,
    batches: [
      { state: "InProgress", devices: 2, updated: 1, failed: 0, deferred: 0 },
      { state: "Pending", devices: 2, updated: 0, failed: 0, deferred: 0 },
    ],
    message: "batch 1 of 2: 1 of 2 updated",
    ...extra,
  };
}

function decision(s: RolloutStatus, wakeAtMs?: number, transition = false): RolloutDecision {
  return { status: s, assignment: () => s.revision, wakeAtMs, transition };
}

interface Setup {
  controller: RolloutController;
  requeued: string[];
  planned: RolloutInputs[];
  reports: Map<string, DeviceReport>;
  metrics: Metrics;
  warnings: unknown[];
  next: { decision: RolloutDecision };
}

function setup(placed: Record<string, string[]> = { [KEY]: ["a", "b"] }): Setup {
  const requeued: string[] = [];
  const planned: RolloutInputs[] = [];
  const reports = new Map<string, DeviceReport>();
  const metrics = createMetrics();
  const warnings: unknown[] = [];
  const log = pino({ level: "warn" }, { write: (line: string) => warnings.push(JSON.parse(line)) });
  const next = { decision: decision(status("Progressing")) };
  const controller = new RolloutController({
    requeue: (key) => requeued.push(key),
    reports: (device) => reports.get(device),
    labelsOf: (device) => (device === "a" ? { tier: "canary" } : undefined),
    isPlaced: (key, device) => placed[key]?.includes(device) ?? false,
    stalenessWindowMs: WINDOW,
    log,
    metrics,
    now: () => Date.now(),
    plan: (inputs) => {
      planned.push(inputs);
      return next.decision;
    },
  });
  return { controller, requeued, planned, reports, metrics, warnings, next };
}

const input = (extra: Partial<EvaluateInput> = {}): EvaluateInput => ({
  key: KEY,
  namespace: "ns",
  name: "web",
  uid: "u1",
  spec: undefined,
  target: { revision: 2, hash: "0123456789" },
  devices: ["a", "b"],
  held: (device) => (device === "a" ? 2 : 1),
  annotations: undefined,
  previous: undefined,
  ...extra,
});

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("RolloutController - planner inputs", () => {
  it("inputs - each device's report for this deployment: revision, phase, error, freshness", () => {
    const t = setup();
    t.reports.set(
      "a",
      heartbeat("a", T0 - 100, {
        [keyFor("a")]: {
          phase: "Failed",
          revision: 2,
          lastError: "image not found",
          lastEventAt: new Date(T0 - 200).toISOString(),
        },
      }),
    );
    t.reports.set(
      "b",
      heartbeat("b", T0 - WINDOW - 1, { [keyFor("b", "other")]: { phase: "Running" } }),
    );
    t.controller.evaluate(input());
    const [given] = t.planned;
    expect(given?.report("a")).toEqual({
      fresh: true,
      revision: 2,
      phase: "Failed",
      lastError: "image not found",
      at: new Date(T0 - 200).toISOString(),
    });
    // Heard from, too long ago, and not about this deployment.
    expect(given?.report("b")).toMatchObject({
      fresh: false,
      revision: undefined,
      phase: undefined,
    });
    expect(given?.report("c")).toBeUndefined();
    expect(given?.held("a")).toBe(2);
    expect(given?.labelsOf("a")).toEqual({ tier: "canary" });
    expect(given?.nowMs).toBe(T0);
    expect(given?.target).toEqual({ revision: 2, hash: "0123456789" });
  });

  it("commands - read from the annotations; a malformed one is ignored, logged once and named for the conditions", () => {
    const t = setup();
    const annotations = {
      [ROLLOUT_APPROVE_ANNOTATION]: "2/3",
      [ROLLOUT_ROLLBACK_ANNOTATION]: "two",
    };
    t.controller.evaluate(input({ annotations }));
    t.controller.evaluate(input({ annotations }));
    expect(t.planned[0]?.commands).toEqual({
      approved: { revision: 2, batch: 3 },
      rollback: undefined,
    });
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatchObject({ msg: "ignoring a malformed rollout command" });
    expect(t.controller.commandProblems(KEY)).toContain(ROLLOUT_ROLLBACK_ANNOTATION);
    t.controller.evaluate(input({ annotations: { [ROLLOUT_APPROVE_ANNOTATION]: "2/3" } }));
    expect(t.controller.commandProblems(KEY)).toBe("");
  });

  it("previous - memory first; after a restart (or for another uid) the CR's status.rollout", () => {
    const t = setup();
    const onServer = status("WaitingForApproval");
    expect(t.controller.previous(KEY, "u1", onServer)).toEqual(onServer);
    expect(t.controller.previous(KEY, "u1", { phase: "Nonsense" })).toBeUndefined();
    const inMemory = status("Progressing", { currentBatch: 2 });
    t.controller.record(KEY, "u1", decision(inMemory));
    expect(t.controller.previous(KEY, "u1", onServer)).toEqual(inMemory);
    expect(t.controller.previous(KEY, "u2", onServer)).toEqual(onServer);
  });
});

describe("RolloutController - memory", () => {
  it("record - undo puts back what was there (a write-ahead patch failed)", () => {
    const t = setup();
    t.controller.record(KEY, "u1", decision(status("Progressing")));
    const undo = t.controller.record(KEY, "u1", decision(status("Completed"), undefined, true));
    expect(t.controller.current(KEY)?.phase).toBe("Completed");
    undo();
    expect(t.controller.current(KEY)?.phase).toBe("Progressing");
    const undoFirst = setup().controller;
    undoFirst.record(KEY, "u1", decision(status("Progressing")))();
    expect(undoFirst.current(KEY)).toBeUndefined();
  });

  it("settled - Completed with every result in holds the target; RolledBack the stable one; else none", () => {
    const t = setup();
    const done = { state: "Succeeded" as const, devices: 2, updated: 2, failed: 0, deferred: 0 };
    t.controller.record(KEY, "u1", decision(status("Completed", { batches: [done] })));
    expect(t.controller.settledRevision(KEY)).toBe(2);
    t.controller.record(KEY, "u1", decision(status("RolledBack")));
    expect(t.controller.settledRevision(KEY)).toBe(1);
    // Completed while a device's result is still out (deferred): heartbeats still count.
    const waiting = { ...done, updated: 1, deferred: 1 };
    t.controller.record(KEY, "u1", decision(status("Completed", { batches: [waiting] })));
    expect(t.controller.settledRevision(KEY)).toBeUndefined();
    t.controller.record(KEY, "u1", decision(status("Halted")));
    expect(t.controller.settledRevision(KEY)).toBeUndefined();
    expect(t.controller.activeCount).toBe(1);
  });

  it("transitions - counted by the phase entered", async () => {
    const t = setup();
    t.controller.transitioned(KEY, status("Progressing"));
    t.controller.transitioned(KEY, status("RolledBack"));
    t.controller.transitioned(KEY, status("RolledBack"));
    const values = (await t.metrics.rolloutTransitions.get()).values;
    expect(values.map((v) => [v.labels.phase, v.value])).toEqual([
      ["Progressing", 1],
      ["RolledBack", 2],
    ]);
  });
});

describe("RolloutController - requeues", () => {
  it("timers - the CR is queued when the planner asked to look again; a later decision replaces the wake-up", () => {
    const t = setup();
    t.controller.record(KEY, "u1", decision(status("Progressing"), T0 + 5000));
    t.controller.record(KEY, "u1", decision(status("Progressing"), T0 + 10_000));
    vi.advanceTimersByTime(9999);
    expect(t.requeued).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(t.requeued).toEqual([KEY]);
    expect(t.controller.takeWanted(KEY)).toBe(true);
    t.controller.record(KEY, "u1", decision(status("Progressing"), T0 + 20_000));
    t.controller.forget(KEY);
    vi.advanceTimersByTime(60_000);
    expect(t.requeued).toEqual([KEY]);
  });

  it("heartbeats - a device of an active rollout queues its CR at once, then at most once per second", () => {
    const t = setup({ [KEY]: ["a", "b"], "ns/other": ["a"] });
    t.controller.record(KEY, "u1", decision(status("Progressing")));
    t.controller.deviceChanged("a", "all");
    expect(t.requeued).toEqual([KEY]);
    // The run it queued must evaluate; a run for anything else (a status patch) need not.
    expect(t.controller.takeWanted(KEY)).toBe(true);
    expect(t.controller.takeWanted(KEY)).toBe(false);
    for (let i = 0; i < 10; i++) t.controller.deviceChanged(i % 2 === 0 ? "a" : "b", "all");
    expect(t.requeued).toEqual([KEY]);
    vi.advanceTimersByTime(HEARTBEAT_REEVALUATION_MS);
    expect(t.requeued).toEqual([KEY, KEY]);
    vi.advanceTimersByTime(5 * HEARTBEAT_REEVALUATION_MS);
    expect(t.requeued).toEqual([KEY, KEY]);
  });

  it("heartbeats - ignored for settled rollouts, devices not placed, and changes of other deployments only", () => {
    const t = setup({ [KEY]: ["a"], "ns/done": ["a"] });
    const done = { state: "Succeeded" as const, devices: 1, updated: 1, failed: 0, deferred: 0 };
    t.controller.record("ns/done", "u2", decision(status("Completed", { batches: [done] })));
    t.controller.record(KEY, "u1", decision(status("WaitingForApproval")));
    t.controller.deviceChanged("z", "all");
    t.controller.deviceChanged("a", new Set([keyFor("a", "other")]));
    t.controller.deviceChanged("a", new Set());
    expect(t.requeued).toEqual([]);
    t.controller.deviceChanged("a", new Set([keyFor("a")]));
    expect(t.requeued).toEqual([KEY]);
  });
});

import { rolloutStatusSchema, type RolloutSpec, type RolloutStatus } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { kubeTime } from "../status/build-status.js";
import { planBatches, rolloutOrder } from "./order.js";
import { planRollout, type RolloutDecision } from "./plan.js";
import { completedStatus, rolloutSpec, T0, TestFleet } from "./test-fleet.js";

const MINUTE = 60_000;
const sorted = (devices: readonly string[] | undefined): string[] => [...(devices ?? [])].sort();

interface Step {
  spec: RolloutSpec | undefined;
  revision: number;
  previous: RolloutStatus | undefined;
  nowMs: number;
  commands?: { approved?: { revision: number; batch: number }; rollback?: number };
}

/** One evaluation, then the operator writes what it decided. Every status must be valid on the wire. */
function evaluate(fleet: TestFleet, step: Step): RolloutDecision {
  const decision = planRollout(fleet.inputs(step));
  const parsed = rolloutStatusSchema.safeParse(decision.status);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  fleet.apply(decision);
  return decision;
}

interface Rollout {
  fleet: TestFleet;
  /** The first evaluation: revision 2 at T0, after the stable revision completed on every device. */
  start: (changes?: Partial<Step>) => RolloutDecision;
  /** The next evaluation, at `nowMs` after `previous`: revision 2 and the same spec unless changed. */
  step: (previous: RolloutDecision, nowMs: number, changes?: Partial<Step>) => RolloutDecision;
}

/** Revision 2 rolling out with `spec` over `size` devices that all run the stable revision (1). */
function rolloutOver(
  size: number,
  spec: RolloutSpec | undefined,
  { stable = 1, prefix }: { stable?: number; prefix?: string } = {},
): Rollout {
  const fleet = new TestFleet(size, prefix).settle(stable);
  return {
    fleet,
    start: (changes = {}) =>
      evaluate(fleet, {
        spec,
        revision: 2,
        previous: completedStatus(stable, size),
        nowMs: T0,
        ...changes,
      }),
    step: (previous, nowMs, changes = {}) =>
      evaluate(fleet, { spec, revision: 2, previous: previous.status, nowMs, ...changes }),
  };
}

function membersOf(fleet: TestFleet, spec: RolloutSpec, revision: number): string[][] {
  return planBatches(spec.batches, rolloutOrder(`hash-${revision}`, fleet.devices), (device) =>
    fleet.labels.get(device),
  ).members;
}

describe("planRollout - given at once", () => {
  it("no spec.rollout: every device gets the target, Completed, counts live", () => {
    const { fleet, start, step } = rolloutOver(5, undefined);
    const first = start();
    expect(first.status.phase).toBe("Completed");
    expect(first.status.stableRevision).toBe(2);
    expect(fleet.holding(first, 2)).toHaveLength(5);
    expect(first.status.batches[0]).toMatchObject({ devices: 5, updated: 0, state: "Succeeded" });
    expect(first.transition).toBe(true);
    expect(first.wakeAtMs).toBeUndefined();

    fleet.agentsReport(T0 + 1000);
    const again = step(first, T0 + 2000);
    expect(again.status.batches[0]).toMatchObject({ devices: 5, updated: 5 });
    expect(again.status.message).toContain("5 of 5 updated");
    expect(again.status.batches[0]?.startedAt).toBe(first.status.batches[0]?.startedAt);
    expect(again.transition).toBe(false);
  });

  it("no recorded status (a new Deployment): Completed at once even with spec.rollout", () => {
    const fleet = new TestFleet(4);
    const spec = rolloutSpec({ batches: [{ count: 1 }] });
    const decision = evaluate(fleet, { spec, revision: 1, previous: undefined, nowMs: T0 });
    expect(decision.status).toMatchObject({ phase: "Completed", revision: 1, stableRevision: 1 });
    expect(decision.status.message).toContain("no stable revision to stage from");
    expect(fleet.holding(decision, 1)).toHaveLength(4);
  });

  it("the spec reverted to the stable revision's score: Completed at once, every device on stable", () => {
    const spec = rolloutSpec({ batches: [{ count: 3 }] });
    const { fleet, start, step } = rolloutOver(10, spec, { stable: 2 });
    const rolling = start({ revision: 3 });
    expect(fleet.holding(rolling, 3)).toHaveLength(3);
    const reverted = step(rolling, T0 + MINUTE);
    expect(reverted.status).toMatchObject({ phase: "Completed", revision: 2, stableRevision: 2 });
    expect(fleet.holding(reverted, 2)).toHaveLength(10);
    expect(reverted.status.message).toContain("back to the stable revision 2");
    expect(reverted.transition).toBe(true);
  });

  it("a joining device of a completed rollout gets the target", () => {
    const spec = rolloutSpec({ batches: [{ count: 1 }] });
    const { fleet, start, step } = rolloutOver(3, spec);
    let decision = start();
    for (let i = 1; decision.status.phase !== "Completed" && i < 10; i++) {
      fleet.agentsReport(T0 + i * 1000);
      decision = step(decision, T0 + i * 1000);
    }
    expect(decision.status.phase).toBe("Completed");
    fleet.devices.push("joiner");
    const after = step(decision, T0 + MINUTE);
    expect(after.assignment("joiner")).toBe(2);
    expect(after.status.phase).toBe("Completed");
  });
});

describe("planRollout - a new revision", () => {
  it("starts batch 1: its members get the target, every other device the stable revision", () => {
    const spec = rolloutSpec({ batches: [{ count: 3 }, { percentage: 50 }] });
    const { fleet, start } = rolloutOver(10, spec);
    const decision = start();
    const [batch1] = membersOf(fleet, spec, 2);
    expect(decision.status).toMatchObject({
      revision: 2,
      stableRevision: 1,
      phase: "Progressing",
      currentBatch: 1,
      totalBatches: 3,
      message: "batch 1 of 3: 0 of 3 updated",
    });
    expect(decision.status.batches.map((b) => [b.state, b.devices])).toEqual([
      ["InProgress", 3],
      ["Pending", 5],
      ["Pending", 2],
    ]);
    expect(decision.status.batches[0]?.startedAt).toBe("2026-01-01T00:00:00Z");
    expect(fleet.holding(decision, 2)).toEqual(sorted(batch1));
    expect(fleet.holding(decision, 1)).toHaveLength(7);
    expect(decision.wakeAtMs).toBe(T0 + 30 * MINUTE);
    expect(decision.transition).toBe(true);
  });

  it("batches advance in order; the prefix holds the target; the last one completes and becomes stable", () => {
    const fleet = new TestFleet(10).settle(1);
    const spec = rolloutSpec({ batches: [{ count: 2 }, { count: 3 }] });
    const members = membersOf(fleet, spec, 2);
    let previous: RolloutStatus = completedStatus(1, 10);
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      const now = T0 + i * 1000;
      const decision = evaluate(fleet, { spec, revision: 2, previous, nowMs: now });
      previous = decision.status;
      if (previous.phase === "Completed") break;
      seen.push(previous.currentBatch);
      const prefix = members.slice(0, previous.currentBatch).flat();
      expect(fleet.holding(decision, 2)).toEqual(sorted(prefix));
      fleet.agentsReport(now + 500);
    }
    expect([...new Set(seen)]).toEqual([1, 2, 3]);
    expect(previous).toMatchObject({ phase: "Completed", stableRevision: 2, currentBatch: 3 });
    expect(previous.message).toBe("rollout of revision 2 completed (3 batches): 10 of 10 updated");
    expect(
      previous.batches.every((b) => b.state === "Succeeded" && b.finishedAt !== undefined),
    ).toBe(true);
    expect([...fleet.held.values()].every((r) => r === 2)).toBe(true);
  });

  it("a new revision mid-rollout restarts at batch 1 from the last completed revision; the abandoned one goes back to stable", () => {
    const spec = rolloutSpec({ batches: [{ count: 4 }, { count: 8 }] });
    const { fleet, start, step } = rolloutOver(20, spec);
    let decision = start();
    fleet.agentsReport(T0 + 1000);
    decision = step(decision, T0 + 2000);
    expect(decision.status.currentBatch).toBe(2);
    expect(fleet.holding(decision, 2)).toHaveLength(12);

    const next = step(decision, T0 + 3000, { revision: 3 });
    const [batch1] = membersOf(fleet, spec, 3);
    expect(next.status).toMatchObject({
      revision: 3,
      stableRevision: 1,
      currentBatch: 1,
      phase: "Progressing",
    });
    expect(next.status.batches[0]?.state).toBe("InProgress");
    expect(fleet.holding(next, 3)).toEqual(sorted(batch1));
    expect(fleet.holding(next, 2)).toEqual([]);
    expect(fleet.holding(next, 1)).toHaveLength(16);
    expect(next.transition).toBe(true);
  });

  it("devices joining mid-rollout fall where the order puts them; none is given the target and then taken back", () => {
    const spec = rolloutSpec({ batches: [{ count: 3 }, { count: 3 }], approval: "manual" });
    const { fleet, start, step } = rolloutOver(10, spec);
    const commands = { approved: { revision: 2, batch: 2 } };
    let decision = start({ commands });
    fleet.agentsReport(T0 + 1000);
    decision = step(decision, T0 + 2000, { commands });
    expect(decision.status.currentBatch).toBe(2);
    const before = new Map(fleet.devices.map((d) => [d, decision.assignment(d)]));
    const joiners = Array.from({ length: 20 }, (_, i) => `joiner-${i}`);
    fleet.devices.push(...joiners);
    const joined = step(decision, T0 + 3000, { commands });
    expect(joined.status.currentBatch).toBe(2);
    const members = membersOf(fleet, spec, 2);
    const batchOf = (device: string): number => members.findIndex((m) => m.includes(device));
    for (const device of fleet.devices) {
      const expected = batchOf(device) <= 1 || before.get(device) === 2 ? 2 : 1;
      expect(joined.assignment(device), device).toBe(expected);
    }
    expect(joiners.some((d) => batchOf(d) <= 1)).toBe(true);
    expect(joiners.some((d) => batchOf(d) === 2)).toBe(true);
    // Some devices given the target were pushed past the prefix by joiners: they keep it.
    expect([...before].some(([d, r]) => r === 2 && batchOf(d) === 2)).toBe(true);
    expect(joined.status.batches.map((b) => b.devices)).toEqual(members.map((m) => m.length));
  });
});

describe("planRollout - counting a batch", () => {
  it("deferred members get the target at once and are judged neither way; updated/failed/updating counted", () => {
    const spec = rolloutSpec({
      batches: [{ count: 6 }],
      successThreshold: 50,
      maxUnavailable: { count: 1 },
    });
    const { fleet, start, step } = rolloutOver(12, spec);
    const [batch1 = []] = membersOf(fleet, spec, 2);
    const [off1 = "", off2 = "", ...reachable] = batch1;
    fleet.offline.add(off1).add(off2);
    fleet.agentsReport(T0);
    const first = start();
    expect(first.assignment(off1)).toBe(2);
    expect(first.assignment(off2)).toBe(2);
    // maxUnavailable 1: one reachable member at a time.
    expect(fleet.holding(first, 2, reachable)).toEqual([reachable[0]]);
    expect(first.status.batches[0]).toMatchObject({
      devices: 6,
      updated: 0,
      failed: 0,
      deferred: 2,
    });
    expect(first.status.message).toBe("batch 1 of 2: 0 of 6 updated, 2 offline (deferred)");

    fleet.agentsReport(T0 + 1000, (device) =>
      device === reachable[0] ? { phase: "Failed", error: "image pull failed" } : "Running",
    );
    const second = step(first, T0 + 2000);
    // The failed member still holds the target without running it: the budget stays used.
    expect(fleet.holding(second, 2, reachable)).toEqual([reachable[0]]);
    expect(second.status.batches[0]).toMatchObject({ updated: 0, failed: 1, deferred: 2 });
    expect(second.status.phase).toBe("Progressing");
    expect(second.transition).toBe(false);
  });

  it("maxUnavailable: members are given the target only as fast as reachable ones come up", () => {
    const spec = rolloutSpec({ batches: [{ count: 6 }], maxUnavailable: { count: 2 } });
    const { fleet, start, step } = rolloutOver(8, spec);
    const [batch1 = []] = membersOf(fleet, spec, 2);
    let decision = start();
    expect(fleet.holding(decision, 2)).toEqual(sorted(batch1.slice(0, 2)));
    // The two come up: two more may go.
    fleet.agentsReport(T0 + 1000);
    decision = step(decision, T0 + 2000);
    expect(fleet.holding(decision, 2)).toEqual(sorted(batch1.slice(0, 4)));
    expect(decision.status.batches[0]).toMatchObject({ updated: 2 });
    // Nobody reports again: still four, the budget is spent on the two updating.
    decision = step(decision, T0 + 3000);
    expect(fleet.holding(decision, 2)).toEqual(sorted(batch1.slice(0, 4)));
  });

  it("a percentage maxUnavailable is of the batch's devices", () => {
    const spec = rolloutSpec({ batches: [{ count: 10 }], maxUnavailable: { percentage: 25 } });
    const { fleet, start } = rolloutOver(20, spec);
    const decision = start();
    expect(fleet.holding(decision, 2)).toHaveLength(3);
  });

  it("all members offline: the batch passes and the message says they were all deferred", () => {
    const spec = rolloutSpec({ batches: [{ count: 3 }], approval: "manual" });
    const { fleet, start, step } = rolloutOver(6, spec);
    const [batch1 = []] = membersOf(fleet, spec, 2);
    for (const device of batch1) fleet.offline.add(device);
    fleet.agentsReport(T0);
    const decision = start();
    expect(decision.status.phase).toBe("WaitingForApproval");
    expect(decision.status.batches[0]).toMatchObject({
      state: "Succeeded",
      deferred: 3,
      updated: 0,
    });
    expect(decision.status.message).toBe(
      "batch 1 of 2 passed with all 3 devices offline (deferred): judged on none, they update when they return; waiting for approval of batch 2",
    );
    // They hold the target: they catch up when they return, counted updated then.
    expect(fleet.holding(decision, 2)).toEqual(sorted(batch1));
    for (const device of batch1) fleet.offline.delete(device);
    fleet.agentsReport(T0 + 1000);
    const back = step(decision, T0 + 2000);
    expect(back.status.batches[0]).toMatchObject({ state: "Succeeded", updated: 3, deferred: 0 });
  });

  it("an all-offline batch passes and the next starts in the same evaluation, saying so", () => {
    const spec = rolloutSpec({ batches: [{ count: 2 }] });
    const { fleet, start } = rolloutOver(6, spec);
    const [batch1 = []] = membersOf(fleet, spec, 2);
    for (const device of batch1) fleet.offline.add(device);
    fleet.agentsReport(T0);
    const decision = start();
    expect(decision.status.currentBatch).toBe(2);
    expect(decision.status.message).toMatch(
      /^batch 1 of 2 passed with all 2 devices offline \(deferred\).*; batch 2 of 2: 0 of 4 updated$/,
    );
    expect(fleet.holding(decision, 2)).toHaveLength(6);
  });
});

describe("planRollout - failure", () => {
  it("fails as soon as the threshold is out of reach and rolls back, naming the devices and errors", () => {
    const spec = rolloutSpec({ batches: [{ count: 4 }] });
    const { fleet, start, step } = rolloutOver(10, spec);
    const [batch1 = []] = membersOf(fleet, spec, 2);
    const decision = start();
    const bad = batch1[1] ?? "";
    fleet.agentsReport(T0 + 5000, (device, revision) =>
      device === bad && revision === 2 ? { phase: "Failed", error: "exit code 1" } : "Pending",
    );
    const failed = step(decision, T0 + 10_000);
    expect(failed.status.phase).toBe("RolledBack");
    expect(failed.status.failure).toEqual({
      reason: "BatchFailed",
      batch: 1,
      message:
        "batch 1 of 2 failed: 1 of 4 reachable devices failed on revision 2; 4 (90%) had to run it",
      devices: [{ device: bad, message: "exit code 1" }],
      at: "2026-01-01T00:00:10Z",
    });
    expect(failed.status.batches[0]).toMatchObject({
      state: "Failed",
      failed: 1,
      finishedAt: "2026-01-01T00:00:10Z",
    });
    expect(failed.status.message).toBe(
      `rolled back to revision 1: ${failed.status.failure?.message ?? ""}`,
    );
    expect(fleet.holding(failed, 1)).toHaveLength(10);
    expect(failed.transition).toBe(true);
    expect(failed.wakeAtMs).toBeUndefined();

    // Final for that revision: nothing changes it but a new revision.
    fleet.agentsReport(T0 + 20_000);
    const later = step(failed, T0 + 60 * MINUTE);
    expect(later.status).toEqual(failed.status);
    expect(later.transition).toBe(false);
    expect(fleet.holding(later, 1)).toHaveLength(10);
    const fresh = step(later, T0 + 61 * MINUTE, { revision: 3 });
    expect(fresh.status).toMatchObject({
      revision: 3,
      stableRevision: 1,
      phase: "Progressing",
      currentBatch: 1,
    });
    expect(fresh.status.failure).toBeUndefined();
  });

  it("names at most 20 failed devices, newest first", () => {
    const spec = rolloutSpec({ batches: [{ count: 30 }] });
    const { fleet, start, step } = rolloutOver(40, spec);
    const decision = start();
    fleet.agentsReport(T0 + 1000, (device) => ({ phase: "Failed", error: `boom ${device}` }));
    // Each device failed a second later than the one before it (in name order).
    fleet.devices.forEach((device, i) => {
      const report = fleet.reports.get(device);
      if (report !== undefined)
        fleet.reports.set(device, { ...report, at: new Date(T0 + i * 1000).toISOString() });
    });
    const failed = step(decision, T0 + 60_000);
    const named = failed.status.failure?.devices ?? [];
    expect(named).toHaveLength(20);
    const batch1 = [...(membersOf(fleet, spec, 2)[0] ?? [])].sort().reverse();
    expect(named.map((d) => d.device)).toEqual(batch1.slice(0, 20));
    expect(named[0]?.message).toBe(`boom ${batch1[0] ?? ""}`);
    expect(failed.status.message).toContain("30 of 30 reachable devices failed");
  });

  it("at the batch timeout members still updating count failed: BatchTimedOut", () => {
    const spec = rolloutSpec({ batches: [{ count: 5 }], batchTimeout: "10m" });
    const { fleet, start, step } = rolloutOver(8, spec);
    const [batch1 = []] = membersOf(fleet, spec, 2);
    const stuck = batch1[4] ?? "";
    const decision = start();
    expect(decision.wakeAtMs).toBe(T0 + 10 * MINUTE);
    fleet.agentsReport(T0 + 1000, (device) => (device === stuck ? "Pending" : "Running"));
    const waiting = step(decision, T0 + 10 * MINUTE - 1);
    expect(waiting.status.phase).toBe("Progressing");
    const timedOut = step(waiting, T0 + 10 * MINUTE);
    expect(timedOut.status.phase).toBe("RolledBack");
    expect(timedOut.status.failure).toMatchObject({
      reason: "BatchTimedOut",
      batch: 1,
      devices: [{ device: stuck, message: "not running revision 2 after 10m" }],
    });
    expect(timedOut.status.failure?.message).toBe(
      "batch 1 of 2 timed out after 10m: 4 of 5 reachable devices run revision 2, 5 (90%) had to; 1 counted failed (0 failed, 1 still updating)",
    );
    expect(timedOut.status.batches[0]).toMatchObject({ state: "Failed", updated: 4, failed: 1 });
  });

  it("at the timeout a batch with enough members updated passes, the late ones counted failed", () => {
    const spec = rolloutSpec({
      batches: [{ count: 5 }],
      batchTimeout: "10m",
      successThreshold: 80,
    });
    const { fleet, start, step } = rolloutOver(8, spec);
    const [batch1 = []] = membersOf(fleet, spec, 2);
    const decision = start();
    fleet.agentsReport(T0 + 1000, (device) => (device === batch1[0] ? "Pending" : "Running"));
    const passed = step(decision, T0 + 10 * MINUTE);
    expect(passed.status.batches[0]).toMatchObject({ state: "Succeeded", updated: 4, failed: 1 });
    expect(passed.status.currentBatch).toBe(2);
  });

  it("agents that do not report revisions are never updated: they count failed at the timeout", () => {
    const spec = rolloutSpec({ batches: [{ count: 2 }], batchTimeout: "5m" });
    const { fleet, start, step } = rolloutOver(4, spec);
    const decision = start();
    fleet.agentsReport(T0 + 1000, () => "Running", false);
    const running = step(decision, T0 + 2000);
    expect(running.status.batches[0]).toMatchObject({ updated: 0 });
    const timedOut = step(running, T0 + 5 * MINUTE);
    expect(timedOut.status.failure?.reason).toBe("BatchTimedOut");
    expect(timedOut.status.failure?.devices[0]?.message).toContain("does not report revisions");
  });

  it("onFailure pause: Halted, nothing new written; approving the next batch accepts the failed one", () => {
    const spec = rolloutSpec({
      batches: [{ count: 4 }, { count: 3 }],
      onFailure: "pause",
      maxUnavailable: { count: 2 },
    });
    const { fleet, start, step } = rolloutOver(10, spec);
    const [batch1 = [], batch2 = []] = membersOf(fleet, spec, 2);
    const decision = start();
    const given = fleet.holding(decision, 2);
    expect(given).toEqual(sorted(batch1.slice(0, 2)));
    fleet.agentsReport(T0 + 1000, (device, revision) =>
      revision === 2 ? { phase: "Failed", error: "crash" } : "Running",
    );
    const halted = step(decision, T0 + 2000);
    expect(halted.status.phase).toBe("Halted");
    expect(halted.status.failure).toMatchObject({ reason: "BatchFailed", batch: 1 });
    expect(halted.status.message).toBe(
      `halted: ${halted.status.failure?.message ?? ""}; approve 2/2 to accept the batch and go on, or roll back`,
    );
    // Those given the target keep it; nobody else gets it.
    expect(fleet.holding(halted, 2)).toEqual(given);
    expect(halted.wakeAtMs).toBeUndefined();
    const still = step(halted, T0 + 60 * MINUTE);
    expect(still.status.phase).toBe("Halted");
    expect(still.transition).toBe(false);

    const accepted = step(still, T0 + 61 * MINUTE, {
      commands: { approved: { revision: 2, batch: 2 } },
    });
    expect(accepted.status).toMatchObject({ phase: "Progressing", currentBatch: 2 });
    expect(accepted.status.failure).toBeUndefined();
    expect(accepted.status.batches.map((b) => b.state)).toEqual([
      "Failed",
      "InProgress",
      "Pending",
    ]);
    expect(fleet.holding(accepted, 2)).toEqual(sorted([...batch1, ...batch2.slice(0, 2)]));
  });

  it("a batch failing now meets onFailure even when a later batch was approved ahead", () => {
    const spec = rolloutSpec({ batches: [{ count: 2 }] });
    const { fleet, start, step } = rolloutOver(6, spec);
    const commands = { approved: { revision: 2, batch: 9 } };
    const decision = start({ commands });
    fleet.agentsReport(T0 + 1000, (_, revision) => (revision === 2 ? "Failed" : "Running"));
    const failed = step(decision, T0 + 2000, { commands });
    expect(failed.status.phase).toBe("RolledBack");
    expect(failed.status.failure?.devices[0]?.message).toBe(
      "failed on revision 2 (no error reported)",
    );
  });

  it("switching a halted rollout's onFailure to rollback rolls it back", () => {
    const pause = rolloutSpec({ batches: [{ count: 2 }], onFailure: "pause" });
    const { fleet, start, step } = rolloutOver(6, pause);
    const decision = start();
    fleet.agentsReport(T0 + 1000, (_, revision) => (revision === 2 ? "Failed" : "Running"));
    const halted = step(decision, T0 + 2000);
    expect(halted.status.phase).toBe("Halted");
    const rollback = rolloutSpec({ batches: [{ count: 2 }], onFailure: "rollback" });
    const rolled = step(halted, T0 + 3000, { spec: rollback });
    expect(rolled.status.phase).toBe("RolledBack");
    expect(rolled.status.failure).toEqual(halted.status.failure);
    expect(fleet.holding(rolled, 1)).toHaveLength(6);
  });
});

describe("planRollout - deployer controls", () => {
  it("manual approval: WaitingForApproval until the commands approve (revision, next batch)", () => {
    const spec = rolloutSpec({
      batches: [{ count: 2 }, { count: 4 }, { count: 3 }],
      approval: "manual",
    });
    const { fleet, start, step } = rolloutOver(12, spec);
    const members = membersOf(fleet, spec, 2);
    let decision = start();
    fleet.agentsReport(T0 + 1000);
    decision = step(decision, T0 + 2000);
    expect(decision.status).toMatchObject({ phase: "WaitingForApproval", currentBatch: 1 });
    expect(decision.status.message).toBe("batch 1 of 4 passed; waiting for approval of batch 2");
    expect(decision.wakeAtMs).toBeUndefined();
    expect(fleet.holding(decision, 2)).toEqual(sorted(members[0]));

    // An approval of another revision is stale: it does nothing.
    const stale = step(decision, T0 + 3000, { commands: { approved: { revision: 1, batch: 4 } } });
    expect(stale.status.phase).toBe("WaitingForApproval");
    expect(stale.transition).toBe(false);

    const approved = { approved: { revision: 2, batch: 2 } };
    const started = step(stale, T0 + 4000, { commands: approved });
    expect(started.status).toMatchObject({ phase: "Progressing", currentBatch: 2 });
    expect(started.transition).toBe(true);
    fleet.agentsReport(T0 + 5000);
    const next = step(started, T0 + 6000, { commands: approved });
    expect(next.status.message).toBe("batch 2 of 4 passed; waiting for approval of batch 3");
  });

  it("pauseBetweenBatches: nextBatchAt and a wake-up, then the next batch starts", () => {
    const spec = rolloutSpec({ batches: [{ count: 2 }], pauseBetweenBatches: "10m" });
    const { fleet, start, step } = rolloutOver(6, spec);
    let decision = start();
    fleet.agentsReport(T0 + 1000);
    decision = step(decision, T0 + 2000);
    expect(decision.status).toMatchObject({
      phase: "Progressing",
      currentBatch: 1,
      nextBatchAt: "2026-01-01T00:10:02Z",
      message: "batch 1 of 2 passed; batch 2 starts at 2026-01-01T00:10:02Z",
    });
    expect(decision.wakeAtMs).toBe(T0 + 2000 + 10 * MINUTE);
    expect(decision.transition).toBe(true);
    const early = step(decision, T0 + 5 * MINUTE);
    expect(early.status.currentBatch).toBe(1);
    expect(fleet.holding(early, 2)).toHaveLength(2);
    const due = step(early, T0 + 2000 + 10 * MINUTE);
    expect(due.status).toMatchObject({ phase: "Progressing", currentBatch: 2 });
    expect(due.status.nextBatchAt).toBeUndefined();
    expect(fleet.holding(due, 2)).toHaveLength(6);
  });

  it("paused: nothing new is assigned and no batch is judged; resuming restarts the running batch's clock", () => {
    const running = rolloutSpec({
      batches: [{ count: 4 }],
      maxUnavailable: { count: 1 },
      batchTimeout: "10m",
    });
    const { fleet, start, step } = rolloutOver(8, running);
    const paused = rolloutSpec({ ...running, paused: true });
    let decision = start();
    const given = fleet.holding(decision, 2);
    expect(given).toHaveLength(1);
    fleet.agentsReport(T0 + 1000);
    decision = step(decision, T0 + 2000, { spec: paused });
    expect(decision.status.phase).toBe("Paused");
    expect(decision.status.message).toBe(
      "paused by a deployer (spec.rollout.paused); batch 1 of 2: 1 of 4 updated",
    );
    expect(fleet.holding(decision, 2)).toEqual(given);
    expect(decision.wakeAtMs).toBeUndefined();
    expect(decision.transition).toBe(true);
    // Long past the timeout: still not judged.
    const later = step(decision, T0 + 60 * MINUTE, { spec: paused });
    expect(later.status.phase).toBe("Paused");
    expect(later.status.batches[0]?.state).toBe("InProgress");
    expect(later.transition).toBe(false);

    const resumed = step(later, T0 + 61 * MINUTE);
    expect(resumed.status.phase).toBe("Progressing");
    expect(resumed.status.batches[0]?.startedAt).toBe(kubeTime(T0 + 61 * MINUTE));
    expect(resumed.wakeAtMs).toBe(T0 + 71 * MINUTE);
    expect(fleet.holding(resumed, 2)).toHaveLength(2);
  });

  it("a new revision arriving paused starts nothing; devices on the abandoned revision go back to stable", () => {
    const spec = rolloutSpec({ batches: [{ count: 4 }] });
    const { fleet, start, step } = rolloutOver(8, spec);
    const rolling = start();
    expect(fleet.holding(rolling, 2)).toHaveLength(4);
    const paused = rolloutSpec({ batches: [{ count: 4 }], paused: true });
    const decision = step(rolling, T0 + 1000, { spec: paused, revision: 3 });
    expect(decision.status).toMatchObject({
      phase: "Paused",
      revision: 3,
      stableRevision: 1,
      currentBatch: 1,
    });
    expect(decision.status.batches[0]?.state).toBe("Pending");
    expect(fleet.holding(decision, 1)).toHaveLength(8);
    const resumed = step(decision, T0 + 2000, { revision: 3 });
    expect(resumed.status.batches[0]).toMatchObject({
      state: "InProgress",
      startedAt: kubeTime(T0 + 2000),
    });
    expect(fleet.holding(resumed, 3)).toHaveLength(4);
  });

  it("a rollback command for the target revision rolls back with reason RollbackRequested", () => {
    const spec = rolloutSpec({ batches: [{ count: 3 }, { count: 3 }] });
    const { fleet, start, step } = rolloutOver(10, spec);
    let decision = start();
    fleet.agentsReport(T0 + 1000);
    decision = step(decision, T0 + 2000);
    expect(decision.status.currentBatch).toBe(2);
    // A command naming another revision is stale.
    const stale = step(decision, T0 + 3000, { commands: { rollback: 1 } });
    expect(stale.status.phase).toBe("Progressing");
    const rolled = step(stale, T0 + 4000, { commands: { rollback: 2 } });
    expect(rolled.status.phase).toBe("RolledBack");
    expect(rolled.status.failure).toMatchObject({
      reason: "RollbackRequested",
      batch: 2,
      devices: [],
    });
    expect(rolled.status.message).toBe(
      "rolled back to revision 1: a deployer asked to roll back revision 2 at batch 2 of 3 (0 devices had failed)",
    );
    expect(fleet.holding(rolled, 1)).toHaveLength(10);
    expect(rolled.transition).toBe(true);
  });

  it("a rollback command does nothing once the revision completed", () => {
    const spec = rolloutSpec({ batches: [{ count: 1 }] });
    const { fleet, start } = rolloutOver(3, spec, { stable: 2 });
    const done = start({ commands: { rollback: 2 } });
    expect(done.status.phase).toBe("Completed");
    expect(fleet.holding(done, 2)).toHaveLength(3);
  });
});

describe("planRollout - scale", () => {
  it("50,000 devices: batches, prefix rule and counts are right", () => {
    const spec = rolloutSpec({
      batches: [{ percentage: 1 }, { percentage: 10 }, { percentage: 50 }],
    });
    const { fleet, start, step } = rolloutOver(50_000, spec, { prefix: "d" });
    let decision = start();
    expect(decision.status.batches.map((b) => b.devices)).toEqual([500, 5000, 25_000, 19_500]);
    expect(fleet.holding(decision, 2)).toHaveLength(500);
    fleet.agentsReport(T0 + 1000);
    decision = step(decision, T0 + 2000);
    expect(decision.status).toMatchObject({ currentBatch: 2, phase: "Progressing" });
    expect(decision.status.batches[0]).toMatchObject({ state: "Succeeded", updated: 500 });
    expect(fleet.holding(decision, 2)).toHaveLength(5500);
    expect(fleet.holding(decision, 1)).toHaveLength(44_500);
  });
});

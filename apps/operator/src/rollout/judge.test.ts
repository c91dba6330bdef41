import { describe, expect, it } from "vitest";
import {
  countMembers,
  judgeBatch,
  memberState,
  requiredUpdated,
  type BatchCounts,
} from "./judge.js";
import type { DeviceRolloutReport } from "./plan.js";

const report = (over: Partial<DeviceRolloutReport>): DeviceRolloutReport => ({
  fresh: true,
  revision: 2,
  phase: "Running",
  lastError: undefined,
  at: undefined,
  ...over,
});
const counts = (over: Partial<BatchCounts>): BatchCounts => ({
  devices: 10,
  updated: 0,
  failed: 0,
  updating: 0,
  deferred: 0,
  ...over,
});

describe("batch judging", () => {
  it("memberState - unreported or stale is deferred; the target running is updated, failed is failed, anything else updating", () => {
    expect(memberState(undefined, 2)).toBe("deferred");
    expect(memberState(report({ fresh: false }), 2)).toBe("deferred");
    expect(memberState(report({}), 2)).toBe("updated");
    expect(memberState(report({ phase: "Failed" }), 2)).toBe("failed");
    expect(memberState(report({ phase: "Pending" }), 2)).toBe("updating");
    expect(memberState(report({ revision: 1 }), 2)).toBe("updating");
    expect(memberState(report({ revision: 1, phase: "Failed" }), 2)).toBe("updating");
    // An agent that does not report revisions can never be counted updated.
    expect(memberState(report({ revision: undefined }), 2)).toBe("updating");
    expect(memberState(report({ phase: undefined }), 2)).toBe("updating");
  });

  it("countMembers - counts each member once", () => {
    const reports = new Map<string, DeviceRolloutReport>([
      ["a", report({})],
      ["b", report({ phase: "Failed" })],
      ["c", report({ revision: 1 })],
    ]);
    expect(countMembers(["a", "b", "c", "d"], (d) => reports.get(d), 2)).toEqual({
      devices: 4,
      updated: 1,
      failed: 1,
      updating: 1,
      deferred: 1,
    });
  });

  it("requiredUpdated - ceil(threshold% x reachable)", () => {
    expect(requiredUpdated(90, 10)).toBe(9);
    expect(requiredUpdated(90, 3)).toBe(3);
    expect(requiredUpdated(50, 3)).toBe(2);
    expect(requiredUpdated(0, 7)).toBe(0);
    expect(requiredUpdated(100, 7)).toBe(7);
    expect(requiredUpdated(90, 0)).toBe(0);
  });

  it("judgeBatch - passes when none is updating and enough run the target", () => {
    expect(judgeBatch(counts({ updated: 9, failed: 1 }), 90, false)).toEqual({ kind: "pass" });
    expect(judgeBatch(counts({ updated: 8, updating: 1, failed: 1 }), 90, false)).toEqual({
      kind: "pending",
    });
  });

  it("judgeBatch - fails as soon as too many failed for the threshold to be reachable", () => {
    expect(judgeBatch(counts({ updated: 1, failed: 1, updating: 8 }), 90, false)).toEqual({
      kind: "pending",
    });
    expect(judgeBatch(counts({ updated: 1, failed: 2, updating: 7 }), 90, false)).toEqual({
      kind: "fail",
      reason: "BatchFailed",
    });
  });

  it("judgeBatch - at the timeout members still updating count failed, then the batch is judged", () => {
    expect(judgeBatch(counts({ updated: 9, updating: 1 }), 90, true)).toEqual({ kind: "pass" });
    expect(judgeBatch(counts({ updated: 8, updating: 2 }), 90, true)).toEqual({
      kind: "fail",
      reason: "BatchTimedOut",
    });
  });

  it("judgeBatch - no reachable member: passes (all deferred)", () => {
    expect(judgeBatch(counts({ deferred: 10 }), 90, false)).toEqual({ kind: "pass" });
    expect(judgeBatch(counts({ devices: 0 }), 100, false)).toEqual({ kind: "pass" });
  });
});

import type { RolloutStatus } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { liveConditions } from "./live-conditions";

const allRunning = { succeeded: 3, failed: 0, pending: 0, unreported: 0 };

const rolledBack: RolloutStatus = {
  revision: 2,
  stableRevision: 1,
  phase: "RolledBack",
  currentBatch: 1,
  totalBatches: 2,
  batches: [],
  message: "rolled back to revision 1: batch 1 of 2 failed",
  failure: {
    reason: "BatchFailed",
    batch: 1,
    message: "1 of 1 reachable devices failed on revision 2",
    devices: [{ device: "pi-1", message: "pulling it failed" }],
    at: "2026-11-30T10:00:00Z",
  },
};

describe("liveConditions", () => {
  it("without a rollout, every device running is Ready and nothing else", () => {
    const shown = liveConditions(allRunning, 3);
    expect(shown.find((c) => c.type === "Degraded")?.status).toBe(false);
    expect(shown.find((c) => c.type === "Ready")?.status).toBe(true);
  });

  it("a rolled-back rollout is Degraded as the operator says, though every device runs (the stable revision)", () => {
    const degraded = liveConditions(allRunning, 3, rolledBack).find((c) => c.type === "Degraded");
    expect(degraded?.status).toBe(true);
    expect(degraded?.message).toContain("pi-1: pulling it failed");
  });

  it("a rollout waiting for approval is Progressing with its message", () => {
    const waiting: RolloutStatus = {
      ...rolledBack,
      phase: "WaitingForApproval",
      failure: undefined,
      message: "batch 1 of 2 passed; waiting for approval of batch 2",
    };
    const progressing = liveConditions(allRunning, 3, waiting).find(
      (c) => c.type === "Progressing",
    );
    expect(progressing).toMatchObject({ status: true, message: waiting.message });
  });
});

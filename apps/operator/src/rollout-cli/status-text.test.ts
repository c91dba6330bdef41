import { describe, expect, it } from "vitest";
import { rolloutDeployment } from "./rollout-fixture.js";
import { isSettled, rolloutLine, rolloutStatusText } from "./status-text.js";

const failed = rolloutDeployment({
  revision: 3,
  stableRevision: 2,
  phase: "RolledBack",
  currentBatch: 2,
  totalBatches: 3,
  batches: [
    { state: "Succeeded", devices: 1, updated: 1, startedAt: "2026-11-30T10:00:00Z" },
    {
      state: "Failed",
      devices: 10,
      updated: 6,
      failed: 3,
      deferred: 1,
      startedAt: "2026-11-30T10:01:00Z",
    },
    { state: "Pending", devices: 9 },
  ],
  message: "batch 2 of 3: 6 of 10 updated, 3 failed, 1 offline (deferred)",
  failure: {
    reason: "BatchFailed",
    batch: 2,
    message: "batch 2 fell under its success threshold (90%)",
    devices: [
      { device: "pi-7", message: "image localhost/bad:1 not found" },
      { device: "pi-12", message: "container exited with code 1" },
    ],
    at: "2026-11-30T10:02:00Z",
  },
});

describe("rollout status - text", () => {
  it("shows revision, stable revision, phase, message, the batches and the failure with device errors", () => {
    expect(rolloutStatusText(failed).split("\n")).toEqual([
      "deployment demo/web",
      "revision:   3 (stable: 2)",
      "phase:      RolledBack",
      "message:    batch 2 of 3: 6 of 10 updated, 3 failed, 1 offline (deferred)",
      "",
      "BATCH  STATE      DEVICES  UPDATED  FAILED  DEFERRED  STARTED",
      "1/3    Succeeded  1        1        0       0         2026-11-30T10:00:00Z",
      "2/3    Failed     10       6        3       1         2026-11-30T10:01:00Z",
      "3/3    Pending    9        0        0       0         -",
      "",
      "failure:    BatchFailed in batch 2 at 2026-11-30T10:02:00Z: batch 2 fell under its success threshold (90%)",
      "",
      "DEVICE  ERROR",
      "pi-7    image localhost/bad:1 not found",
      "pi-12   container exited with code 1",
      "",
    ]);
  });

  it("says when the operator has not reported a rollout, or not on the current generation", () => {
    expect(rolloutStatusText(rolloutDeployment(undefined))).toBe(
      "deployment demo/web\nno rollout reported yet: the operator writes status.rollout once it has placed the spec\n",
    );
    const lagging = rolloutDeployment(
      {
        revision: 1,
        phase: "Completed",
        currentBatch: 1,
        totalBatches: 1,
        message: "batch 1 of 1: 4 of 4 updated",
      },
      { generation: 3, observed: 2 },
    );
    expect(rolloutStatusText(lagging)).toContain(
      "note:       the operator has reported on generation 2, not yet on 3\n",
    );
    expect(rolloutStatusText(lagging)).toContain("revision:   1 (no stable revision yet)\n");
    expect(rolloutLine(lagging)).toBe(
      "revision 1 Completed: batch 1 of 1: 4 of 4 updated (the operator has reported on generation 2, not yet on 3)",
    );
    // Completed, but for an older spec: a watch must not stop there.
    expect(isSettled(lagging)).toBe(false);
  });

  it("settles on Completed, RolledBack and Halted only", () => {
    const at = (phase: "Progressing" | "WaitingForApproval" | "Paused" | "Halted" | "Completed") =>
      rolloutDeployment({ revision: 2, phase, currentBatch: 1, totalBatches: 2, message: "m" });
    expect(isSettled(failed)).toBe(true);
    expect(isSettled(at("Completed"))).toBe(true);
    expect(isSettled(at("Halted"))).toBe(true);
    expect(isSettled(at("Progressing"))).toBe(false);
    expect(isSettled(at("WaitingForApproval"))).toBe(false);
    expect(isSettled(at("Paused"))).toBe(false);
    expect(isSettled(rolloutDeployment(undefined))).toBe(false);
  });

  it("prints one line per change with --watch", () => {
    expect(rolloutLine(failed)).toBe(
      "revision 3 RolledBack: batch 2 of 3: 6 of 10 updated, 3 failed, 1 offline (deferred)",
    );
  });
});

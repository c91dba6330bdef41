import {
  ROLLOUT_APPROVE_ANNOTATION,
  ROLLOUT_ROLLBACK_ANNOTATION,
  type RolloutPhase,
} from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { RolloutRefusedError } from "./errors.js";
import { approveRequest, pauseRequest, rollbackRequest } from "./requests.js";
import { rolloutDeployment } from "./rollout-fixture.js";

const at = (
  phase: RolloutPhase,
  currentBatch: number,
  states: ("Pending" | "InProgress" | "Succeeded" | "Failed")[] = [],
) =>
  rolloutDeployment({
    revision: 4,
    stableRevision: 3,
    phase,
    currentBatch,
    totalBatches: 3,
    batches: states.map((state) => ({ state, devices: 2 })),
    message: `batch ${currentBatch} of 3: 1 of 2 updated`,
  });

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof RolloutRefusedError) return error.message;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("rollout approve", () => {
  it("approves the batch a WaitingForApproval rollout waits for, bound to its revision", () => {
    const request = approveRequest(
      at("WaitingForApproval", 1, ["Succeeded", "Pending", "Pending"]),
    );
    expect(request.patch).toEqual({
      metadata: { annotations: { [ROLLOUT_APPROVE_ANNOTATION]: "4/2" } },
    });
    expect(request.summary).toBe("approved batches up to 2 of revision 4");
  });

  it("accepts a Halted batch by approving the one after it (after the last: completes)", () => {
    const request = approveRequest(at("Halted", 2, ["Succeeded", "Failed", "Pending"]));
    expect(request.patch).toEqual({
      metadata: { annotations: { [ROLLOUT_APPROVE_ANNOTATION]: "4/3" } },
    });
    expect(request.summary).toBe("accepted the halted batch 2 of revision 4; batch 3 may start");
    const last = approveRequest(at("Halted", 3, ["Succeeded", "Succeeded", "Failed"]));
    expect(last.patch).toEqual({
      metadata: { annotations: { [ROLLOUT_APPROVE_ANNOTATION]: "4/4" } },
    });
    expect(last.summary).toBe("accepted the halted batch 3 of revision 4; the rollout completes");
  });

  it("approves ahead with --batch, within the rollout's batches", () => {
    expect(approveRequest(at("Progressing", 1), 3).patch).toEqual({
      metadata: { annotations: { [ROLLOUT_APPROVE_ANNOTATION]: "4/3" } },
    });
    expect(refusal(() => approveRequest(at("Progressing", 1), 4))).toBe(
      "deployment demo/web: revision 4 has 3 batches: there is no batch 4 to approve",
    );
  });

  it("refuses clearly when nothing awaits approval", () => {
    expect(refusal(() => approveRequest(at("Progressing", 2)))).toBe(
      "deployment demo/web: nothing awaits approval: revision 4 is Progressing (batch 2 of 3: 1 of 2 updated); to approve batches ahead, give --batch <n>",
    );
    expect(refusal(() => approveRequest(at("Completed", 3)))).toBe(
      "deployment demo/web: revision 4 is Completed: nothing to approve (a new spec starts a new rollout)",
    );
    expect(refusal(() => approveRequest(at("RolledBack", 2), 3))).toMatch(/is RolledBack/);
    expect(refusal(() => approveRequest(rolloutDeployment(undefined)))).toBe(
      "deployment demo/web: the operator has not reported a rollout yet (no status.rollout): nothing to approve",
    );
    expect(refusal(() => approveRequest(rolloutDeployment(undefined, { spec: null })))).toBe(
      "deployment demo/web: it has no spec.rollout (every device gets a new revision at once): nothing to approve",
    );
  });
});

describe("rollout rollback", () => {
  it("asks to roll back the reported revision", () => {
    const request = rollbackRequest(at("Progressing", 2));
    expect(request.patch).toEqual({
      metadata: { annotations: { [ROLLOUT_ROLLBACK_ANNOTATION]: "4" } },
    });
    expect(request.summary).toBe(
      "asked to roll back revision 4; the operator puts every device back on revision 3",
    );
  });

  it("refuses a Completed rollout, saying to apply the previous spec", () => {
    expect(refusal(() => rollbackRequest(at("Completed", 3)))).toBe(
      "deployment demo/web: revision 4 is Completed: it is the stable revision, so there is nothing to roll back. " +
        "To go back, apply the previous spec again (iot-operator rollout history web lists the revisions and their images)",
    );
  });

  it("refuses when there is no rollout or nothing to go back to", () => {
    expect(refusal(() => rollbackRequest(rolloutDeployment(undefined)))).toMatch(
      /no status\.rollout\): nothing to roll back$/,
    );
    expect(refusal(() => rollbackRequest(at("RolledBack", 2)))).toBe(
      "deployment demo/web: revision 4 is already RolledBack (every device is back on revision 3)",
    );
    const first = rolloutDeployment({
      revision: 1,
      phase: "Progressing",
      currentBatch: 1,
      totalBatches: 2,
      message: "m",
    });
    expect(refusal(() => rollbackRequest(first))).toBe(
      "deployment demo/web: revision 1 has no stable revision before it to go back to",
    );
  });
});

describe("rollout pause and resume", () => {
  it("set spec.rollout.paused", () => {
    expect(pauseRequest(at("Progressing", 2), true).patch).toEqual({
      spec: { rollout: { paused: true } },
    });
    expect(pauseRequest(at("Paused", 2), false).patch).toEqual({
      spec: { rollout: { paused: false } },
    });
  });

  it("refuse a Deployment without spec.rollout", () => {
    expect(refusal(() => pauseRequest(rolloutDeployment(undefined, { spec: null }), true))).toBe(
      "deployment demo/web: it has no spec.rollout (every device gets a new revision at once): nothing to pause; give it one with iot-operator apply --batches ...",
    );
  });
});

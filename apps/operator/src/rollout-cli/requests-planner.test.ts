// The CLI's commands read by the real planner: what `rollout approve` and
// `rollout rollback` write, given the status the planner itself reported,
// moves the rollout exactly as the deployer meant (the next batch, accepting a
// halted one, rolling back). Pure: no servers, the planner is pure.
import { rolloutCommandsOf, type RolloutSpecInput, type RolloutStatus } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { planRollout } from "../rollout/plan.js";
import { completedStatus, rolloutSpec, T0, TestFleet } from "../rollout/test-fleet.js";
import { approveRequest, rollbackRequest, type RolloutRequest } from "./requests.js";
import { rolloutDeployment } from "./rollout-fixture.js";

/** The annotations a request's merge patch writes. */
function annotationsOf(request: RolloutRequest): Record<string, string> {
  const metadata = request.patch.metadata as { annotations: Record<string, string> };
  return metadata.annotations;
}

class Rollout {
  readonly fleet = new TestFleet(9).settle(1);
  status: RolloutStatus = completedStatus(1, 9);
  annotations: Record<string, string> = {};
  now = T0;

  constructor(readonly input: RolloutSpecInput) {}

  /** One evaluation by the planner, with the commands the annotations hold; agents then report. */
  step(outcome: (revision: number) => "Running" | "Failed" = () => "Running"): RolloutStatus {
    this.now += 1000;
    const decision = planRollout(
      this.fleet.inputs({
        spec: rolloutSpec(this.input),
        revision: 2,
        previous: this.status,
        nowMs: this.now,
        commands: rolloutCommandsOf(this.annotations).commands,
      }),
    );
    this.fleet.apply(decision);
    this.fleet.agentsReport(this.now, (_, revision) => outcome(revision));
    this.status = decision.status;
    return this.status;
  }

  /** Runs a CLI request against the CR as it reads now, and keeps what it writes. */
  run(request: (cr: ReturnType<typeof rolloutDeployment>) => RolloutRequest): void {
    const cr = rolloutDeployment(this.status, { spec: this.input });
    Object.assign(this.annotations, annotationsOf(request(cr)));
  }
}

describe("rollout commands - as the planner reads them", () => {
  it("approve starts the batch a manual rollout waits for, one batch at a time", () => {
    const rollout = new Rollout({
      batches: [{ count: 2 }, { count: 3 }],
      approval: "manual",
    });
    rollout.step();
    expect(rollout.step()).toMatchObject({ phase: "WaitingForApproval", currentBatch: 1 });
    rollout.run((cr) => approveRequest(cr));
    expect(rollout.step()).toMatchObject({ phase: "Progressing", currentBatch: 2 });
    expect(rollout.step()).toMatchObject({ phase: "WaitingForApproval", currentBatch: 2 });
    rollout.run((cr) => approveRequest(cr));
    rollout.step();
    expect(rollout.step()).toMatchObject({ phase: "Completed", stableRevision: 2 });
  });

  it("approve accepts a Halted batch and goes on; on the last batch the rollout completes", () => {
    const failing = (revision: number): "Running" | "Failed" =>
      revision === 2 ? "Failed" : "Running";
    const rollout = new Rollout({ batches: [{ count: 2 }], onFailure: "pause" });
    rollout.step(failing);
    expect(rollout.step()).toMatchObject({ phase: "Halted", currentBatch: 1 });
    rollout.run((cr) => approveRequest(cr));
    // Batch 2 (the rest) starts; its devices fail too.
    expect(rollout.step(failing)).toMatchObject({ phase: "Progressing", currentBatch: 2 });
    expect(rollout.step()).toMatchObject({ phase: "Halted", currentBatch: 2 });
    rollout.run((cr) => approveRequest(cr));
    expect(rollout.step()).toMatchObject({ phase: "Completed", currentBatch: 2 });
  });

  it("rollback rolls the reported revision back", () => {
    const rollout = new Rollout({ batches: [{ count: 2 }], approval: "manual" });
    rollout.step();
    expect(rollout.step().phase).toBe("WaitingForApproval");
    rollout.run(rollbackRequest);
    expect(rollout.step()).toMatchObject({
      phase: "RolledBack",
      failure: { reason: "RollbackRequested" },
    });
  });
});

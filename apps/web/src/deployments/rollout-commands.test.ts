import { ROLLOUT_APPROVE_ANNOTATION, ROLLOUT_ROLLBACK_ANNOTATION } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { checkRolloutCommand } from "./rollout-commands";
import { rolloutDeployment, rolloutStatus } from "./rollout-testing";

describe("rollout commands - approve", () => {
  it("patches the approval annotation for the revision and batch waiting", () => {
    const result = checkRolloutCommand(rolloutDeployment(rolloutStatus()), {
      action: "approve",
      revision: 2,
      batch: 2,
    });
    expect(result).toEqual({
      ok: true,
      patch: { metadata: { annotations: { [ROLLOUT_APPROVE_ANNOTATION]: "2/2" } } },
    });
  });

  it("refuses when nothing waits for approval, saying where the rollout is", () => {
    const status = rolloutStatus({ phase: "Progressing", states: ["InProgress", "Pending"] });
    const result = checkRolloutCommand(rolloutDeployment(status), {
      action: "approve",
      revision: 2,
      batch: 2,
    });
    expect(result).toEqual({
      ok: false,
      code: "PRECONDITION_FAILED",
      message:
        "nothing to approve: the rollout of revision 2 is Progressing (batch 1 of 2: 0 of 2 updated)",
    });
  });

  it("refuses a command for an earlier revision (a stale page)", () => {
    const result = checkRolloutCommand(rolloutDeployment(rolloutStatus({ revision: 3 })), {
      action: "approve",
      revision: 2,
      batch: 2,
    });
    expect(result).toMatchObject({ ok: false, code: "CONFLICT" });
    if (!result.ok)
      expect(result.message).toMatch(/moved on to revision 3 \(you acted on revision 2\)/);
  });

  it("refuses a batch other than the one waiting", () => {
    const result = checkRolloutCommand(rolloutDeployment(rolloutStatus()), {
      action: "approve",
      revision: 2,
      batch: 3,
    });
    expect(result).toMatchObject({
      ok: false,
      code: "CONFLICT",
      message: "batch 3 is not the one waiting for approval (batch 2 is); look again and retry",
    });
  });

  it("refuses before the operator has reported a rollout", () => {
    const result = checkRolloutCommand(rolloutDeployment(undefined), {
      action: "approve",
      revision: 1,
      batch: 2,
    });
    expect(result).toMatchObject({ ok: false, code: "PRECONDITION_FAILED" });
    if (!result.ok) expect(result.message).toMatch(/has no rollout yet/);
  });
});

describe("rollout commands - roll back", () => {
  it("patches the rollback annotation with the revision", () => {
    const status = rolloutStatus({ phase: "Progressing", states: ["InProgress", "Pending"] });
    expect(
      checkRolloutCommand(rolloutDeployment(status), { action: "rollback", revision: 2 }),
    ).toEqual({
      ok: true,
      patch: { metadata: { annotations: { [ROLLOUT_ROLLBACK_ANNOTATION]: "2" } } },
    });
  });

  it("refuses once the rollout is over, or with nothing to go back to", () => {
    const completed = rolloutStatus({ phase: "Completed", states: ["Succeeded", "Succeeded"] });
    expect(
      checkRolloutCommand(rolloutDeployment(completed), { action: "rollback", revision: 2 }),
    ).toMatchObject({
      ok: false,
      code: "PRECONDITION_FAILED",
      message: "nothing to roll back: the rollout of revision 2 is Completed",
    });
    const first = rolloutStatus({ phase: "Progressing", revision: 1, stableRevision: undefined });
    const result = checkRolloutCommand(rolloutDeployment(first), {
      action: "rollback",
      revision: 1,
    });
    expect(result).toMatchObject({ ok: false, code: "PRECONDITION_FAILED" });
    if (!result.ok) expect(result.message).toMatch(/nothing to roll back to/);
  });
});

describe("rollout commands - pause and resume", () => {
  it("patches spec.rollout.paused", () => {
    expect(
      checkRolloutCommand(rolloutDeployment(rolloutStatus()), { action: "pause", paused: true }),
    ).toEqual({ ok: true, patch: { spec: { rollout: { paused: true } } } });
  });

  it("refuses a deployment without rollout settings (the patch would be an invalid spec)", () => {
    const result = checkRolloutCommand(rolloutDeployment(rolloutStatus(), null), {
      action: "pause",
      paused: true,
    });
    expect(result).toEqual({
      ok: false,
      code: "PRECONDITION_FAILED",
      message:
        'deployment "web" in namespace "default" has no rollout settings (spec.rollout) to pause',
    });
  });
});

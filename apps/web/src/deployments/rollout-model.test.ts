import { rolloutSpecSchema } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { rolloutActions } from "./rollout-model";
import { rolloutStatus } from "./rollout-testing";

const spec = rolloutSpecSchema.parse({ batches: [{ count: 1 }], approval: "manual" });

describe("rollout model - approve", () => {
  it("offers the first batch not started while one waits for approval", () => {
    const status = rolloutStatus({ states: ["Succeeded", "Succeeded", "Pending", "Pending"] });
    expect(rolloutActions(spec, { ...status, currentBatch: 2 }).approve).toEqual({
      revision: 2,
      batch: 3,
      label: "Approve batch 3",
    });
  });

  it("offers nothing to approve while a batch runs, or once done", () => {
    for (const phase of ["Progressing", "Paused", "Completed", "RolledBack"] as const)
      expect(rolloutActions(spec, rolloutStatus({ phase })).approve).toBeUndefined();
  });

  it("approves past a halted batch (accepting it), or accepts the last one", () => {
    const halted = rolloutStatus({ phase: "Halted", states: ["Failed", "Pending"] });
    expect(rolloutActions(spec, halted).approve).toEqual({
      revision: 2,
      batch: 2,
      label: "Approve batch 2",
    });
    const last = rolloutStatus({
      phase: "Halted",
      currentBatch: 2,
      states: ["Succeeded", "Failed"],
    });
    expect(rolloutActions(spec, last).approve).toEqual({
      revision: 2,
      batch: 3,
      label: "Accept batch 2",
    });
  });
});

describe("rollout model - pause, resume and roll back", () => {
  it("pauses a rollout with settings, resumes a paused one", () => {
    expect(rolloutActions(spec, undefined)).toMatchObject({ pause: true, resume: false });
    expect(rolloutActions({ ...spec, paused: true }, undefined)).toMatchObject({
      pause: false,
      resume: true,
    });
    expect(rolloutActions(undefined, rolloutStatus())).toMatchObject({
      pause: false,
      resume: false,
    });
  });

  it("rolls back to the stable revision only while the rollout is not over", () => {
    expect(rolloutActions(spec, rolloutStatus({ phase: "Progressing" })).rollback).toEqual({
      revision: 2,
      stableRevision: 1,
    });
    for (const phase of ["Completed", "RolledBack"] as const)
      expect(rolloutActions(spec, rolloutStatus({ phase })).rollback).toBeUndefined();
    const first = rolloutStatus({ phase: "Progressing", revision: 1, stableRevision: undefined });
    expect(rolloutActions(spec, first).rollback).toBeUndefined();
  });
});

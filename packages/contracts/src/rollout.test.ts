import { describe, expect, it } from "vitest";
import { deploymentSpecSchema } from "./deployment.js";
import { MESSAGE_MAX_LENGTH, ROLLOUT_BATCHES_MAX_ITEMS, ROLLOUT_FAILURES_LIMIT } from "./limits.js";
import {
  approveBatchPatch,
  describeBatch,
  pausePatch,
  resolveQuantity,
  ROLLOUT_APPROVE_ANNOTATION,
  ROLLOUT_DEFAULTS,
  ROLLOUT_ROLLBACK_ANNOTATION,
  rollbackPatch,
  rolloutCommandsOf,
  rolloutSpecSchema,
  rolloutStatusSchema,
  type BatchStatus,
} from "./rollout.js";

const batch = (over: Partial<BatchStatus>): BatchStatus => ({
  state: "InProgress",
  devices: 50,
  updated: 0,
  failed: 0,
  deferred: 0,
  ...over,
});

/** The issues of a failed parse as "path: message". */
function issuesOf(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}): string[] {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("rollout", () => {
  it("resolveQuantity - a count is capped at the pool", () => {
    expect(resolveQuantity({ count: 5 }, 100)).toBe(5);
    expect(resolveQuantity({ count: 500 }, 100)).toBe(100);
    expect(resolveQuantity({ count: 3 }, 0)).toBe(0);
  });

  it("resolveQuantity - a percentage rounds up, is at least 1 of a non-empty pool, 0 of an empty one", () => {
    expect(resolveQuantity({ percentage: 25 }, 100)).toBe(25);
    expect(resolveQuantity({ percentage: 25 }, 10)).toBe(3);
    expect(resolveQuantity({ percentage: 1 }, 10)).toBe(1);
    expect(resolveQuantity({ percentage: 100 }, 7)).toBe(7);
    expect(resolveQuantity({ percentage: 50 }, 0)).toBe(0);
    expect(resolveQuantity({ percentage: 10 }, 50_000)).toBe(5000);
  });

  it("rolloutCommandsOf - reads approval and rollback bound to a revision", () => {
    expect(
      rolloutCommandsOf({
        [ROLLOUT_APPROVE_ANNOTATION]: "3/2",
        [ROLLOUT_ROLLBACK_ANNOTATION]: "4",
        "other.example/annotation": "x",
      }),
    ).toEqual({ commands: { approved: { revision: 3, batch: 2 }, rollback: 4 }, problems: [] });
    expect(rolloutCommandsOf(undefined)).toEqual({
      commands: { approved: undefined, rollback: undefined },
      problems: [],
    });
    expect(rolloutCommandsOf({})).toEqual({
      commands: { approved: undefined, rollback: undefined },
      problems: [],
    });
  });

  it("rolloutCommandsOf - malformed values are ignored and named", () => {
    for (const text of [
      "3",
      "3/",
      "/2",
      "a/b",
      "0/1",
      "3/0",
      "-1/2",
      "3/2.5",
      " 3/2",
      "01/2",
      "1/2/3",
    ]) {
      const { commands, problems } = rolloutCommandsOf({ [ROLLOUT_APPROVE_ANNOTATION]: text });
      expect(commands.approved, text).toBeUndefined();
      expect(problems, text).toEqual([
        `${ROLLOUT_APPROVE_ANNOTATION}: "${text}" is not <revision>/<batch>`,
      ]);
    }
    for (const text of ["", "abc", "0", "-2", "1.5", "9999999999"]) {
      const { commands, problems } = rolloutCommandsOf({ [ROLLOUT_ROLLBACK_ANNOTATION]: text });
      expect(commands.rollback, text).toBeUndefined();
      expect(problems, text).toEqual([
        `${ROLLOUT_ROLLBACK_ANNOTATION}: "${text}" is not a revision number`,
      ]);
    }
  });

  it("rolloutCommandsOf - a malformed command does not hide a good one", () => {
    const { commands, problems } = rolloutCommandsOf({
      [ROLLOUT_APPROVE_ANNOTATION]: "x/y",
      [ROLLOUT_ROLLBACK_ANNOTATION]: "7",
    });
    expect(commands).toEqual({ approved: undefined, rollback: 7 });
    expect(problems).toHaveLength(1);
  });

  it("approveBatchPatch / rollbackPatch / pausePatch - merge patches the readers understand", () => {
    const approve = approveBatchPatch(5, 3) as {
      metadata: { annotations: Record<string, string> };
    };
    const rollback = rollbackPatch(5) as { metadata: { annotations: Record<string, string> } };
    expect(
      rolloutCommandsOf({ ...approve.metadata.annotations, ...rollback.metadata.annotations })
        .commands,
    ).toEqual({
      approved: { revision: 5, batch: 3 },
      rollback: 5,
    });
    expect(pausePatch(true)).toEqual({ spec: { rollout: { paused: true } } });
    expect(pausePatch(false)).toEqual({ spec: { rollout: { paused: false } } });
  });

  it("describeBatch - the one wording of a batch's progress", () => {
    expect(describeBatch(2, 4, batch({ updated: 40, failed: 2, deferred: 8 }))).toBe(
      "batch 2 of 4: 40 of 50 updated, 2 failed, 8 offline (deferred)",
    );
    expect(describeBatch(1, 3, batch({ updated: 7 }))).toBe("batch 1 of 3: 7 of 50 updated");
    expect(describeBatch(3, 3, batch({ deferred: 50 }))).toBe(
      "batch 3 of 3: 0 of 50 updated, 50 offline (deferred)",
    );
  });

  it("rolloutSpecSchema - fills the defaults", () => {
    const spec = rolloutSpecSchema.parse({ batches: [{ percentage: 10 }] });
    expect(spec).toEqual({
      batches: [{ percentage: 10 }],
      ...ROLLOUT_DEFAULTS,
    });
    expect(spec).toMatchObject({
      successThreshold: 90,
      batchTimeout: "30m",
      pauseBetweenBatches: "0s",
      approval: "auto",
      onFailure: "rollback",
      paused: false,
    });
    expect(spec.maxUnavailable).toBeUndefined();
  });

  it("rolloutSpecSchema - a batch and maxUnavailable take exactly one of count and percentage", () => {
    const both = rolloutSpecSchema.safeParse({ batches: [{ count: 1, percentage: 10 }] });
    expect(issuesOf(both)).toEqual([
      "batches.0.count: exactly one of count and percentage must be set",
    ]);
    const neither = rolloutSpecSchema.safeParse({ batches: [{ count: 2 }, {}] });
    expect(issuesOf(neither)).toEqual([
      "batches.1.count: exactly one of count and percentage must be set",
    ]);
    const budget = rolloutSpecSchema.safeParse({ batches: [{ count: 1 }], maxUnavailable: {} });
    expect(issuesOf(budget)).toEqual([
      "maxUnavailable.count: exactly one of count and percentage must be set",
    ]);
    expect(
      rolloutSpecSchema.safeParse({ batches: [{ count: 1 }], maxUnavailable: { percentage: 20 } })
        .success,
    ).toBe(true);
  });

  it("rolloutSpecSchema - a bad duration text is refused, naming the field", () => {
    const timeout = rolloutSpecSchema.safeParse({
      batches: [{ count: 1 }],
      batchTimeout: "5 minutes",
    });
    expect(issuesOf(timeout)).toEqual(["batchTimeout: must be a duration such as 30s, 10m or 24h"]);
    const pause = rolloutSpecSchema.safeParse({
      batches: [{ count: 1 }],
      pauseBetweenBatches: "-1s",
    });
    expect(issuesOf(pause)).toEqual([
      "pauseBetweenBatches: must be a duration such as 30s, 10m or 24h",
    ]);
    expect(
      rolloutSpecSchema.parse({ batches: [{ count: 1 }], batchTimeout: "1.5h" }).batchTimeout,
    ).toBe("1.5h");
  });

  it("rolloutSpecSchema - bounds on batches, sizes and threshold", () => {
    expect(issuesOf(rolloutSpecSchema.safeParse({ batches: [] }))).toEqual([
      "batches: must list at least one batch",
    ]);
    const many = Array.from({ length: ROLLOUT_BATCHES_MAX_ITEMS + 1 }, () => ({ count: 1 }));
    expect(issuesOf(rolloutSpecSchema.safeParse({ batches: many }))).toEqual([
      `batches: must list at most ${ROLLOUT_BATCHES_MAX_ITEMS} batches`,
    ]);
    expect(issuesOf(rolloutSpecSchema.safeParse({ batches: [{ percentage: 101 }] }))).toEqual([
      "batches.0.percentage: must be 1 to 100",
    ]);
    expect(issuesOf(rolloutSpecSchema.safeParse({ batches: [{ count: 0 }] }))).toEqual([
      "batches.0.count: must be at least 1",
    ]);
    expect(
      issuesOf(rolloutSpecSchema.safeParse({ batches: [{ count: 1 }], successThreshold: 101 })),
    ).toEqual(["successThreshold: must be 0 to 100"]);
    expect(
      issuesOf(rolloutSpecSchema.safeParse({ batches: [{ count: 1 }], approval: "sometimes" })),
    ).toHaveLength(1);
  });

  it("rolloutSpecSchema - a selector batch is a label selector", () => {
    const spec = rolloutSpecSchema.parse({
      batches: [{ count: 1, selector: { matchLabels: { ring: "canary" } } }, { percentage: 100 }],
    });
    expect(spec.batches[0]?.selector).toEqual({ matchLabels: { ring: "canary" } });
  });

  it("deploymentSpecSchema - spec.rollout is optional and validated in place", () => {
    const score = { PodmanV0: { services: [{ name: "web", image: "nginx" }] } };
    expect(deploymentSpecSchema.parse({ targetDevices: ["pi-1"], score }).rollout).toBeUndefined();
    const bad = deploymentSpecSchema.safeParse({
      targetDevices: ["pi-1"],
      score,
      rollout: { batches: [{ count: 1 }], batchTimeout: "soon" },
    });
    expect(issuesOf(bad)).toEqual([
      "rollout.batchTimeout: must be a duration such as 30s, 10m or 24h",
    ]);
  });

  it("rolloutStatusSchema - clips long messages and bounds the failed devices it names", () => {
    const status = rolloutStatusSchema.parse({
      revision: 2,
      stableRevision: 1,
      phase: "RolledBack",
      currentBatch: 1,
      totalBatches: 2,
      batches: [{ state: "Failed", devices: 3, failed: 3 }],
      message: "x".repeat(MESSAGE_MAX_LENGTH + 10),
      failure: {
        reason: "BatchFailed",
        batch: 1,
        message: "batch 1 of 2 failed",
        devices: [{ device: "pi-1", message: "e".repeat(300) }],
        at: "2026-01-01T00:00:00Z",
      },
    });
    expect(status.message).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(status.failure?.devices[0]?.message).toHaveLength(256);
    expect(status.batches[0]).toEqual({
      state: "Failed",
      devices: 3,
      updated: 0,
      failed: 3,
      deferred: 0,
    });
    const tooMany = Array.from({ length: ROLLOUT_FAILURES_LIMIT + 1 }, (_, i) => ({
      device: `pi-${i}`,
      message: "x",
    }));
    const result = rolloutStatusSchema.safeParse({
      ...status,
      failure: { ...status.failure, devices: tooMany },
    });
    expect(result.success).toBe(false);
    expect(rolloutStatusSchema.safeParse({ ...status, phase: "Exploded" }).success).toBe(false);
  });
});

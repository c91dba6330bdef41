import type { Aggregate, Condition, RolloutStatus } from "@fleet/contracts";
import { conditionSchema, REASON_ROLLOUT_FAILED } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { deploymentConditions, type ConditionsInput } from "./conditions.js";

const agg = (over: Partial<Aggregate>): Aggregate => ({
  matchedDevices: 3,
  succeeded: 0,
  failed: 0,
  pending: 0,
  unreported: 0,
  conflicted: 0,
  recentEvents: [],
  recentFailures: [],
  ...over,
});
const input = (over: Partial<ConditionsInput>): ConditionsInput => ({
  aggregate: agg({}),
  targetCount: 3,
  specProblem: undefined,
  generation: 4,
  previous: [],
  now: "2026-01-01T00:00:10Z",
  ...over,
});
const byType = (conditions: Condition[]) => Object.fromEntries(conditions.map((c) => [c.type, c]));

describe("deploymentConditions", () => {
  it("deploymentConditions - all running: Ready True, not Progressing, not Degraded", () => {
    const c = byType(deploymentConditions(input({ aggregate: agg({ succeeded: 3 }) })));
    expect(c.Ready).toMatchObject({
      status: "True",
      reason: "AllDevicesRunning",
      observedGeneration: 4,
    });
    expect(c.Progressing?.status).toBe("False");
    expect(c.Degraded?.status).toBe("False");
  });

  it("deploymentConditions - a failure degrades and names the device and its message", () => {
    const lastError = { device: "pi-2", message: "image not found", at: "2026-01-01T00:00:00Z" };
    const c = byType(
      deploymentConditions(
        input({ aggregate: agg({ succeeded: 1, failed: 1, unreported: 1, lastError }) }),
      ),
    );
    expect(c.Ready).toMatchObject({ status: "False", reason: "DevicesFailed" });
    expect(c.Degraded).toMatchObject({ status: "True", reason: "DevicesFailed" });
    expect(c.Degraded?.message).toContain("pi-2: image not found");
  });

  it("deploymentConditions - pending devices mean Progressing; only unreported ones do not", () => {
    expect(
      byType(deploymentConditions(input({ aggregate: agg({ pending: 1, succeeded: 2 }) })))
        .Progressing?.status,
    ).toBe("True");
    const quiet = byType(deploymentConditions(input({ aggregate: agg({ unreported: 3 }) })));
    expect(quiet.Progressing?.status).toBe("False");
    expect(quiet.Ready).toMatchObject({ status: "False", reason: "DevicesUnreported" });
  });

  it("deploymentConditions - a spec problem is Degraded with its reason and message", () => {
    const problem = { reason: "UnsupportedScoreKind", message: 'unknown score kind "DockerV9"' };
    const c = byType(deploymentConditions(input({ aggregate: undefined, specProblem: problem })));
    expect(c.Degraded).toMatchObject({
      status: "True",
      reason: "UnsupportedScoreKind",
      message: problem.message,
    });
    expect(c.Ready?.status).toBe("False");
  });

  it("deploymentConditions - lastTransitionTime moves only when the status flips", () => {
    const first = deploymentConditions(
      input({ aggregate: agg({ succeeded: 2, pending: 1 }), now: "2026-01-01T00:00:00Z" }),
    );
    const second = byType(
      deploymentConditions(
        input({ aggregate: agg({ succeeded: 3 }), previous: first, now: "2026-01-01T00:01:00Z" }),
      ),
    );
    expect(second.Ready?.lastTransitionTime).toBe("2026-01-01T00:01:00Z");
    expect(second.Progressing?.lastTransitionTime).toBe("2026-01-01T00:01:00Z");
    expect(second.Degraded?.lastTransitionTime).toBe("2026-01-01T00:00:00Z");
  });

  it("deploymentConditions - every condition fits the standard schema, long messages clipped", () => {
    const lastError = { device: "pi-1", message: "x".repeat(5000), at: "2026-01-01T00:00:00Z" };
    for (const condition of deploymentConditions(
      input({ aggregate: agg({ failed: 3, lastError }) }),
    )) {
      expect(conditionSchema.parse(condition)).toEqual(condition);
      expect(condition.message.length).toBeLessThanOrEqual(1024);
    }
  });

  it("deploymentConditions - HostPortConflict names the other deployment and the port, on both sides", () => {
    const newer = byType(
      deploymentConditions(
        input({
          conflict: {
            withheld: 1,
            example: { device: "pi-1", other: "ns/old", port: "8080/TCP" },
            blocking: [],
          },
        }),
      ),
    );
    expect(newer.HostPortConflict).toMatchObject({
      status: "True",
      reason: "WithheldByOlderDeployment",
    });
    expect(newer.HostPortConflict?.message).toMatch(/ns\/old.*pi-1/);
    const older = byType(
      deploymentConditions(
        input({
          conflict: {
            withheld: 0,
            example: undefined,
            blocking: [{ other: "ns/new", devices: 2, device: "pi-1", port: "8080/TCP" }],
          },
        }),
      ),
    );
    expect(older.HostPortConflict).toMatchObject({
      status: "True",
      reason: "WithholdsNewerDeployment",
    });
    expect(older.HostPortConflict?.message).toContain("ns/new, withheld on 2 devices");
    const none = byType(
      deploymentConditions(input({ conflict: { withheld: 0, example: undefined, blocking: [] } })),
    );
    expect(none.HostPortConflict?.status).toBe("False");
    // Without placement (a spec that cannot be used) there is no such condition.
    expect(byType(deploymentConditions(input({}))).HostPortConflict).toBeUndefined();
    for (const c of Object.values(older)) expect(conditionSchema.parse(c)).toEqual(c);
  });

  const rollout = (over: Partial<RolloutStatus>): RolloutStatus => ({
    revision: 3,
    stableRevision: 2,
    phase: "Progressing",
    currentBatch: 2,
    totalBatches: 4,
    batches: [],
    message: "batch 2 of 4: 40 of 50 updated, 2 failed, 8 offline (deferred)",
    ...over,
  });

  it("rollout - while it moves, Progressing is True and reads the rollout's message", () => {
    const c = byType(
      deploymentConditions(input({ aggregate: agg({ succeeded: 3 }), rollout: rollout({}) })),
    );
    expect(c.Progressing).toMatchObject({
      status: "True",
      reason: "RolloutProgressing",
      message: "batch 2 of 4: 40 of 50 updated, 2 failed, 8 offline (deferred)",
    });
    expect(c.Ready?.status).toBe("True");
    const waiting = byType(
      deploymentConditions(input({ rollout: rollout({ phase: "WaitingForApproval" }) })),
    );
    expect(waiting.Progressing?.reason).toBe("RolloutWaitingForApproval");
  });

  it("rollout - rolled back: Degraded RolloutFailed names the first devices and their errors", () => {
    const devices = ["d1", "d2", "d3", "d4", "d5"].map((device) => ({
      device,
      message: `image not found on ${device}`,
    }));
    const rolledBack = rollout({
      phase: "RolledBack",
      message: "batch 1 of 4 failed: 0 of 5 updated, 5 failed",
      failure: {
        reason: "BatchFailed",
        batch: 1,
        message: "5 of 5 devices failed (threshold 90%)",
        devices,
        at: "2026-01-01T00:00:05Z",
      },
    });
    const c = byType(deploymentConditions(input({ rollout: rolledBack })));
    expect(c.Degraded).toMatchObject({ status: "True", reason: REASON_ROLLOUT_FAILED });
    expect(c.Degraded?.message).toBe(
      "rollout of revision 3 rolled back at batch 1: 5 of 5 devices failed (threshold 90%) (d1: image not found on d1; d2: image not found on d2; d3: image not found on d3; and 2 more)",
    );
    expect(c.Progressing).toMatchObject({ status: "False", reason: "RolledBack" });
    const halted = byType(
      deploymentConditions(input({ rollout: rollout({ phase: "Halted", failure: undefined }) })),
    );
    expect(halted.Degraded).toMatchObject({ status: "True", reason: REASON_ROLLOUT_FAILED });
    expect(halted.Degraded?.message).toContain("halted");
    expect(halted.Progressing?.reason).toBe("RolloutHalted");
  });

  it("rollout - Completed leaves the conditions to the device counts; an ignored command is said", () => {
    const plain = deploymentConditions(input({ aggregate: agg({ pending: 1, succeeded: 2 }) }));
    const completed = deploymentConditions(
      input({
        aggregate: agg({ pending: 1, succeeded: 2 }),
        rollout: rollout({ phase: "Completed" }),
      }),
    );
    expect(completed).toEqual(plain);
    const ignored = byType(
      deploymentConditions(
        input({ rollout: rollout({}), commandProblem: 'rollback: "two" is not a revision number' }),
      ),
    );
    expect(ignored.Progressing?.message).toContain('ignored command: rollback: "two"');
    for (const condition of Object.values(ignored)) conditionSchema.parse(condition);
  });
});

import {
  canonicalJson,
  DEPLOYMENT_STATUS_MAX_BYTES,
  deploymentStatusSchema,
  MESSAGE_MAX_LENGTH,
  RECENT_AGGREGATE_EVENTS_LIMIT,
  TARGET_DEVICES_MAX_ITEMS,
} from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { buildStatus, kubeTime, statusPatchBody } from "./build-status.js";
import { largestFoldedStatus } from "./largest-status.js";
import { heartbeat, keyFor, T0 } from "@fleet/contracts/testing/reports";

describe("buildStatus", () => {
  it("buildStatus - carries observedGeneration, conditions and a schema-valid aggregate", () => {
    const report = heartbeat("a", T0, { [keyFor("a")]: { phase: "Running" } });
    const status = buildStatus(
      {
        generation: 7,
        targets: [{ device: "a", key: keyFor("a") }],
        specProblem: undefined,
        previousConditions: [],
      },
      (d) => (d === "a" ? report : undefined),
      T0 + 500,
      15_000,
    );
    expect(status.observedGeneration).toBe(7);
    expect(status.aggregate?.succeeded).toBe(1);
    expect(deploymentStatusSchema.parse(status)).toEqual(status);
    expect(status.conditions[0]?.lastTransitionTime).toBe(kubeTime(T0 + 500));
  });

  it("buildStatus - an invalid spec has no aggregate, only conditions", () => {
    const status = buildStatus(
      {
        generation: 2,
        targets: undefined,
        specProblem: { reason: "InvalidSpec", message: "bad" },
        previousConditions: [],
      },
      () => undefined,
      T0,
      15_000,
    );
    expect(status.aggregate).toBeUndefined();
    expect(status.conditions.find((c) => c.type === "Degraded")?.status).toBe("True");
  });

  it("buildStatus - withheld devices count as matched and conflicted, not in the phase counts", () => {
    const report = heartbeat("a", T0, { [keyFor("a")]: { phase: "Running" } });
    const status = buildStatus(
      {
        generation: 1,
        targets: [{ device: "a", key: keyFor("a") }],
        conflict: {
          withheld: 2,
          example: { device: "b", other: "ns/older", port: "8080/TCP" },
          blocking: [],
        },
        specProblem: undefined,
        previousConditions: [],
      },
      (d) => (d === "a" ? report : undefined),
      T0 + 500,
      15_000,
    );
    expect(status.aggregate).toMatchObject({
      matchedDevices: 3,
      conflicted: 2,
      succeeded: 1,
      unreported: 0,
    });
    const conflict = status.conditions.find((c) => c.type === "HostPortConflict");
    expect(conflict).toMatchObject({ status: "True", reason: "WithheldByOlderDeployment" });
    expect(conflict?.message).toContain("ns/older");
    expect(conflict?.message).toContain("8080/TCP");
    expect(deploymentStatusSchema.parse(status)).toEqual(status);
  });

  it("statusPatchBody - absent optional aggregate fields become null so a merge patch clears them", () => {
    const body = statusPatchBody({
      observedGeneration: 1,
      conditions: [],
      aggregate: {
        matchedDevices: 1,
        succeeded: 1,
        failed: 0,
        pending: 0,
        unreported: 0,
        conflicted: 0,
        recentEvents: [],
        recentFailures: [],
      },
    });
    expect(body.aggregate).toMatchObject({ lastError: null, lastHeartbeatAt: null, succeeded: 1 });
  });

  it("statusPatchBody - a rollout's absent optional fields become null so a new revision clears the old failure", () => {
    const body = statusPatchBody({
      observedGeneration: 1,
      conditions: [],
      rollout: {
        revision: 2,
        phase: "Progressing",
        currentBatch: 1,
        totalBatches: 2,
        batches: [{ state: "InProgress", devices: 1, updated: 0, failed: 0, deferred: 0 }],
        message: "batch 1 of 2: 0 of 1 updated",
      },
    });
    expect(body.rollout).toMatchObject({
      revision: 2,
      stableRevision: null,
      nextBatchAt: null,
      failure: null,
    });
    expect(body).not.toHaveProperty("aggregate");
  });

  it("kubeTime - whole seconds, RFC 3339", () => {
    expect(kubeTime(Date.parse("2026-01-01T00:00:01.999Z"))).toBe("2026-01-01T00:00:01Z");
  });

  it("buildStatus - the largest status the fold can produce stays within DEPLOYMENT_STATUS_MAX_BYTES", () => {
    const status = largestFoldedStatus("n".repeat(63), "x".repeat(253));
    const aggregate = status.aggregate;
    // It really is at the limit: every list full, every text clipped to its maximum.
    expect(aggregate?.recentEvents).toHaveLength(RECENT_AGGREGATE_EVENTS_LIMIT);
    for (const event of aggregate?.recentEvents ?? []) {
      expect(event.message).toHaveLength(MESSAGE_MAX_LENGTH);
    }
    expect(aggregate?.lastError?.message).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(aggregate?.unreported).toBe(TARGET_DEVICES_MAX_ITEMS - RECENT_AGGREGATE_EVENTS_LIMIT);
    const degraded = status.conditions.find((c) => c.type === "Degraded");
    expect(degraded?.message).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(status.rollout?.failure?.devices).toHaveLength(20);
    const conflict = status.conditions.find((c) => c.type === "HostPortConflict");
    expect(conflict?.message).toHaveLength(MESSAGE_MAX_LENGTH);
    // Valid for the CRD, and within budget as JSON and as the merge-patch body.
    expect(deploymentStatusSchema.parse(status)).toEqual(status);
    const bytes = new TextEncoder().encode(canonicalJson(statusPatchBody(status))).length;
    expect(bytes).toBeLessThanOrEqual(DEPLOYMENT_STATUS_MAX_BYTES);
    // Each of those characters costs six bytes: the budget is not met by accident.
    expect(bytes).toBeGreaterThan(6 * MESSAGE_MAX_LENGTH * RECENT_AGGREGATE_EVENTS_LIMIT);
  });
});

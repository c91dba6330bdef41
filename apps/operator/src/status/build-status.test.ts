import { deploymentStatusSchema } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { buildStatus, kubeTime, statusPatchBody } from "./build-status.js";
import { heartbeat, keyFor, T0 } from "./test-reports.js";

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

  it("statusPatchBody - absent optional aggregate fields become null so a merge patch clears them", () => {
    const body = statusPatchBody({
      observedGeneration: 1,
      conditions: [],
      aggregate: { succeeded: 1, failed: 0, pending: 0, unreported: 0, recentEvents: [] },
    });
    expect(body.aggregate).toMatchObject({ lastError: null, lastHeartbeatAt: null, succeeded: 1 });
  });

  it("kubeTime - whole seconds, RFC 3339", () => {
    expect(kubeTime(Date.parse("2026-01-01T00:00:01.999Z"))).toBe("2026-01-01T00:00:01Z");
  });
});

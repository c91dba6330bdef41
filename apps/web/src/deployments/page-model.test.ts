import { agentStatusSchema, type DeploymentResource } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { deviceSummary, type DeviceSummary } from "../fleet/device-summary";
import { deploymentPageModel, type RowPhase } from "./page-model";
import { shownConditions } from "./live-conditions";

const PERIOD = 5000; // offline after 15 s
const now = Date.parse("2026-01-01T00:01:00Z");
const secondsAgo = (s: number): number => now - s * 1000;

const deployment = (targetDevices: string[]): DeploymentResource =>
  ({
    apiVersion: "iot.nationtech.io/v1alpha1",
    kind: "Deployment",
    metadata: { namespace: "default", name: "web" },
    spec: {
      targetDevices,
      score: { PodmanV0: { services: [{ name: "web", image: "localhost/x:1", ports: [] }] } },
    },
  }) as unknown as DeploymentResource;

/** A device whose heartbeat was received `ageS` seconds ago, reporting `web` in `phase` (or not at all). */
function device(
  id: string,
  ageS: number,
  phase?: "Running" | "Failed" | "Pending",
  extra: { lastError?: string; claimedAt?: string } = {},
): DeviceSummary {
  const receivedAtMs = secondsAgo(ageS);
  const key = `${id}.default.web`;
  return deviceSummary({
    receivedAtMs,
    status: agentStatusSchema.parse({
      deviceId: id,
      agentVersion: "0.1.0",
      lastHeartbeatAt: extra.claimedAt ?? new Date(receivedAtMs).toISOString(),
      deployments:
        phase === undefined
          ? {}
          : {
              [key]: {
                phase,
                ...(extra.lastError !== undefined && { lastError: extra.lastError }),
                lastEventAt: new Date(receivedAtMs).toISOString(),
              },
            },
      recentEvents: [
        {
          at: new Date(receivedAtMs - 1000).toISOString(),
          severity: phase === "Failed" ? "Error" : "Info",
          message: `${id}: ${phase ?? "nothing"}`,
          deployment: key,
        },
      ],
    }),
  });
}

function modelOf(targets: string[], devices: DeviceSummary[]) {
  return deploymentPageModel(
    deployment(targets),
    new Map(devices.map((d) => [d.deviceId, d])),
    now,
    PERIOD,
  );
}

function rowCounts(model: ReturnType<typeof modelOf>): Record<RowPhase, number> {
  const counts: Record<RowPhase, number> = { Running: 0, Failed: 0, Pending: 0, Unreported: 0 };
  for (const target of model.targets) counts[model.row(target).phase] += 1;
  return counts;
}

describe("deployment page model - counts from the heartbeats the rows show", () => {
  const fleet = [
    device("running", 2, "Running"),
    device("failed", 3, "Failed", { lastError: "port 8080 in use; retrying in 4 s" }),
    device("pending", 1, "Pending"),
    device("not-yet", 1),
    device("stale", 16, "Running"),
  ];
  const targets = ["running", "failed", "pending", "not-yet", "stale", "never"];
  const model = modelOf(targets, fleet);

  it("counts each device by the operator's rules", () => {
    expect(model.aggregate).toMatchObject({ succeeded: 1, failed: 1, pending: 2, unreported: 2 });
  });

  it("gives each row the phase it is counted as, so summary and rows agree", () => {
    const phases = Object.fromEntries(model.targets.map((t) => [t.device, model.row(t).phase]));
    expect(phases).toEqual({
      running: "Running",
      failed: "Failed",
      pending: "Pending",
      "not-yet": "Pending",
      stale: "Unreported",
      never: "Unreported",
    });
    const counts = rowCounts(model);
    expect([counts.Running, counts.Failed, counts.Pending, counts.Unreported]).toEqual([
      model.aggregate.succeeded,
      model.aggregate.failed,
      model.aggregate.pending,
      model.aggregate.unreported,
    ]);
  });

  it("takes the last error from the failed device's own text", () => {
    expect(model.aggregate.lastError).toMatchObject({
      device: "failed",
      message: "port 8080 in use; retrying in 4 s",
    });
    const failedRow = model.row({ device: "failed", key: "failed.default.web" });
    expect(failedRow.lastError).toBe("port 8080 in use; retrying in 4 s");
    expect(model.row({ device: "running", key: "running.default.web" }).lastError).toBeUndefined();
  });

  it("shows each row's newest event and when the device was last heard from", () => {
    const row = model.row({ device: "running", key: "running.default.web" });
    expect(row.lastEvent?.message).toBe("running: Running");
    expect(row.heardAtMs).toBe(secondsAgo(2));
    expect(model.row({ device: "never", key: "never.default.web" }).heardAtMs).toBeUndefined();
  });

  it("lists the targets' recent events, newest first", () => {
    expect(model.aggregate.recentEvents.map((e) => e.device)).toEqual([
      "not-yet",
      "pending",
      "running",
      "failed",
      "stale",
    ]);
  });

  it("derives the conditions from the same counts: never Ready next to a failure", () => {
    expect(shownConditions(model.conditions).map((c) => c.label)).toEqual([
      "Not ready",
      "Progressing",
      "Degraded",
    ]);
  });
});

describe("deployment page model - freshness judged on the receiving side", () => {
  it("a device whose clock runs ahead is stale once its heartbeat is old here", () => {
    const ahead = device("ahead", 20, "Running", { claimedAt: "2026-01-01T01:00:00Z" });
    const model = modelOf(["ahead"], [ahead]);
    expect(model.aggregate.unreported).toBe(1);
    expect(model.row({ device: "ahead", key: "ahead.default.web" }).phase).toBe("Unreported");
  });

  it("a heartbeat received exactly three periods ago still counts", () => {
    const model = modelOf(["edge"], [device("edge", 15, "Running")]);
    expect(model.aggregate.succeeded).toBe(1);
    expect(shownConditions(model.conditions).map((c) => c.label)).toEqual(["Ready"]);
  });

  it("a kill, then recovery, moves the counts and the row together", () => {
    const failed = modelOf(["pi"], [device("pi", 0, "Failed", { lastError: "exited with 137" })]);
    expect([
      failed.aggregate.failed,
      failed.row({ device: "pi", key: "pi.default.web" }).phase,
    ]).toEqual([1, "Failed"]);
    const recovered = modelOf(["pi"], [device("pi", 0, "Running")]);
    expect([
      recovered.aggregate.succeeded,
      recovered.row({ device: "pi", key: "pi.default.web" }).phase,
    ]).toEqual([1, "Running"]);
    expect(recovered.aggregate.lastError).toBeUndefined();
  });
});

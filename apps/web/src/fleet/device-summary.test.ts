import { describe, expect, it } from "vitest";
import { agentStatusSchema } from "@fleet/contracts";
import { deviceSummary, isOnline, mergeDevices } from "./device-summary";

describe("device summary - online from heartbeat age", () => {
  const now = Date.parse("2026-01-01T00:00:20Z");
  it("is online within three heartbeat periods", () => {
    expect(isOnline("2026-01-01T00:00:06Z", now, 5000)).toBe(true);
  });
  it("is offline after three heartbeat periods", () => {
    expect(isOnline("2026-01-01T00:00:04Z", now, 5000)).toBe(false);
  });
  it("is offline when it never reported", () => {
    expect(isOnline(undefined, now, 5000)).toBe(false);
  });
});

describe("device summary - from AgentStatus", () => {
  it("lists deployments by namespace and name", () => {
    const status = agentStatusSchema.parse({
      deviceId: "pi-1",
      agentVersion: "0.1.0",
      lastHeartbeatAt: "2026-01-01T00:00:00Z",
      deployments: { "pi-1.default.web_v2": { phase: "Failed", lastError: "port in use" } },
    });
    expect(deviceSummary(status).deployments).toEqual([
      { namespace: "default", name: "web.v2", phase: "Failed", lastError: "port in use" },
    ]);
  });

  it("carries the newest event of each deployment, not other deployments' events", () => {
    const status = agentStatusSchema.parse({
      deviceId: "pi-1",
      agentVersion: "0.1.0",
      lastHeartbeatAt: "2026-01-01T00:00:09Z",
      deployments: {
        "pi-1.default.web": { phase: "Running" },
        "pi-1.default.db": { phase: "Running" },
      },
      recentEvents: [
        {
          at: "2026-01-01T00:00:01Z",
          severity: "Info",
          message: "deployed generation 1",
          deployment: "pi-1.default.web",
        },
        {
          at: "2026-01-01T00:00:05Z",
          severity: "Info",
          message: "upgraded to generation 2",
          deployment: "pi-1.default.web",
        },
        {
          at: "2026-01-01T00:00:07Z",
          severity: "Info",
          message: "deployed db",
          deployment: "pi-1.default.db",
        },
        { at: "2026-01-01T00:00:08Z", severity: "Info", message: "agent started" },
      ],
    });
    const byName = new Map(deviceSummary(status).deployments.map((d) => [d.name, d]));
    expect(byName.get("web")?.lastEvent?.message).toBe("upgraded to generation 2");
    expect(byName.get("db")?.lastEvent?.message).toBe("deployed db");
  });

  it("has no last event for a deployment the ring says nothing about", () => {
    const status = agentStatusSchema.parse({
      deviceId: "pi-1",
      agentVersion: "0.1.0",
      lastHeartbeatAt: "2026-01-01T00:00:00Z",
      deployments: { "pi-1.default.web": { phase: "Pending" } },
      recentEvents: [{ at: "2026-01-01T00:00:00Z", severity: "Info", message: "agent started" }],
    });
    expect(deviceSummary(status).deployments[0]).not.toHaveProperty("lastEvent");
  });

  it("merges updates by device id, sorted", () => {
    const merged = mergeDevices(
      [{ deviceId: "b", deployments: [] }],
      [
        { deviceId: "a", deployments: [] },
        { deviceId: "b", lastHeartbeatAt: "x", deployments: [] },
      ],
    );
    expect(merged.map((d) => [d.deviceId, d.lastHeartbeatAt])).toEqual([
      ["a", undefined],
      ["b", "x"],
    ]);
  });
});

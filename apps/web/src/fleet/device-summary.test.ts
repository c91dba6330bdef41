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

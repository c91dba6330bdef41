import { describe, expect, it } from "vitest";
import { agentStatusSchema } from "@fleet/contracts";
import {
  deviceSummary,
  isOnline,
  mergeDevices,
  replaceKnown,
  reportOf,
  type DeviceSummary,
} from "./device-summary";

const at = (iso: string): number => Date.parse(iso);

describe("device summary - online from when the heartbeat was received", () => {
  const now = at("2026-01-01T00:00:20Z");
  const received = (iso: string) => ({ deviceId: "pi", receivedAtMs: at(iso), deployments: [] });
  it("is online within three heartbeat periods", () => {
    expect(isOnline(received("2026-01-01T00:00:05Z"), now, 5000)).toBe(true);
  });
  it("is offline after three heartbeat periods", () => {
    expect(isOnline(received("2026-01-01T00:00:04Z"), now, 5000)).toBe(false);
  });
  it("is offline when it never reported", () => {
    expect(isOnline({ deviceId: "pi", deployments: [] }, now, 5000)).toBe(false);
  });
  it("goes by the receive time, not the time a device's clock claims", () => {
    const status = agentStatusSchema.parse({
      deviceId: "pi",
      agentVersion: "0.1.0",
      lastHeartbeatAt: "2026-01-01T01:00:00Z",
    });
    const summary = deviceSummary({ status, receivedAtMs: at("2026-01-01T00:00:01Z") });
    expect(isOnline(summary, now, 5000)).toBe(false);
    // Shown clamped: never later than it arrived.
    expect(summary.lastHeartbeatAt).toBe("2026-01-01T00:00:01.000Z");
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
    expect(deviceSummary({ status, receivedAtMs: at("2026-01-01T00:00:01Z") }).deployments).toEqual(
      [
        {
          key: "pi-1.default.web_v2",
          namespace: "default",
          name: "web.v2",
          phase: "Failed",
          lastError: "port in use",
          lastEventAt: undefined,
        },
      ],
    );
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
    const summary = deviceSummary({ status, receivedAtMs: at("2026-01-01T00:00:10Z") });
    const byName = new Map(summary.deployments.map((d) => [d.name, d]));
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
    const summary = deviceSummary({ status, receivedAtMs: at("2026-01-01T00:00:01Z") });
    expect(summary.deployments[0]).not.toHaveProperty("lastEvent");
  });

  it("gives back the contracts' DeviceReport the aggregation reads, once per summary", () => {
    const status = agentStatusSchema.parse({
      deviceId: "pi-1",
      agentVersion: "0.1.0",
      lastHeartbeatAt: "2026-01-01T00:00:00Z",
      deployments: { "pi-1.default.web": { phase: "Failed", lastError: "boom" } },
      recentEvents: [
        {
          at: "2026-01-01T00:00:00Z",
          severity: "Error",
          message: "boom",
          deployment: "pi-1.default.web",
        },
      ],
    });
    const summary = deviceSummary({ status, receivedAtMs: at("2026-01-01T00:00:02Z") });
    const report = reportOf(summary);
    expect(report).toMatchObject({
      device: "pi-1",
      receivedAtMs: at("2026-01-01T00:00:02Z"),
      heartbeatAt: "2026-01-01T00:00:00Z",
      deployments: { "pi-1.default.web": { phase: "Failed", lastError: "boom" } },
    });
    expect(report?.eventsByKey.get("pi-1.default.web")?.map((e) => e.message)).toEqual(["boom"]);
    expect(reportOf(summary)).toBe(report);
    expect(reportOf({ deviceId: "silent", deployments: [] })).toBeUndefined();
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

describe("device summary - merging heartbeats into a large list", () => {
  const summary = (deviceId: string, sentAt?: string): DeviceSummary => ({
    deviceId,
    sentAt,
    lastHeartbeatAt: sentAt,
    deployments: [],
  });
  const list = [summary("a", "2026-01-01T00:00:00Z"), summary("b", "2026-01-01T00:00:00Z")];

  it("replaces a known device in place, keeping every other entry's object", () => {
    const update = summary("b", "2026-01-01T00:00:05Z");
    const merged = mergeDevices(list, [update]);
    expect(merged).not.toBe(list);
    expect(merged[0]).toBe(list[0]);
    expect(merged[1]).toBe(update);
    // Positions carry over: the next merge into the new list still lands in place.
    const again = mergeDevices(merged, [summary("a", "2026-01-01T00:00:06Z")]);
    expect(again.map((d) => [d.deviceId, d.sentAt])).toEqual([
      ["a", "2026-01-01T00:00:06Z"],
      ["b", "2026-01-01T00:00:05Z"],
    ]);
  });

  it("adds a new device in id order", () => {
    expect(mergeDevices(list, [summary("0")]).map((d) => d.deviceId)).toEqual(["0", "a", "b"]);
  });

  it("with onlyNewer, keeps what the live feed showed over an older server view", () => {
    const live = mergeDevices(list, [summary("a", "2026-01-01T00:00:10Z")]);
    const server = [summary("a", "2026-01-01T00:00:05Z"), summary("b", "2026-01-01T00:00:07Z")];
    const merged = mergeDevices(live, server, { onlyNewer: true });
    expect(merged.map((d) => [d.deviceId, d.sentAt])).toEqual([
      ["a", "2026-01-01T00:00:10Z"],
      ["b", "2026-01-01T00:00:07Z"],
    ]);
  });

  it("gives back the same list when nothing is newer", () => {
    expect(mergeDevices(list, [summary("a", "2026-01-01T00:00:00Z")], { onlyNewer: true })).toBe(
      list,
    );
  });

  it("replaces only the devices a short list already shows", () => {
    const update = summary("b", "2026-01-01T00:00:09Z");
    expect(replaceKnown(list, [update, summary("z")])).toEqual([list[0], update]);
    expect(replaceKnown(list, [summary("z")])).toBe(list);
  });
});

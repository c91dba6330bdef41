import { agentStatusSchema, isDeviceFresh, type DeviceReport } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { changedDeployments, DeviceStatusStore, type DeviceChange } from "./device-store.js";
import { iso, T0 } from "@fleet/contracts/testing/reports";

const beat = (device: string, atMs: number) =>
  agentStatusSchema.parse({ deviceId: device, agentVersion: "t", lastHeartbeatAt: iso(atMs) });

describe("DeviceStatusStore", () => {
  it("DeviceStatusStore - the sweep announces a heartbeat going stale exactly once", () => {
    let now = T0;
    const changes: string[] = [];
    const store = new DeviceStatusStore(
      3000,
      (device) => changes.push(device),
      () => now,
    );
    store.put("a", beat("a", T0));
    store.put("b", beat("b", T0));
    expect(changes).toEqual(["a", "b"]);
    now = T0 + 3000;
    expect(store.sweep()).toBe(0);
    store.put("b", beat("b", now));
    now = T0 + 3001;
    expect(store.sweep()).toBe(1);
    expect(store.sweep()).toBe(0);
    expect(changes).toEqual(["a", "b", "b", "a"]);
  });

  it("DeviceStatusStore - a fresh heartbeat after going stale makes the device eligible again", () => {
    let now = T0;
    const changes: string[] = [];
    const store = new DeviceStatusStore(
      1000,
      (device) => changes.push(device),
      () => now,
    );
    store.put("a", beat("a", now));
    now += 2000;
    store.sweep();
    store.put("a", beat("a", now));
    now += 2000;
    expect(store.sweep()).toBe(1);
  });

  it("DeviceStatusStore - removing a device reports a change; removing an unknown one does not", () => {
    const changes: string[] = [];
    const store = new DeviceStatusStore(
      1000,
      (device) => changes.push(device),
      () => T0,
    );
    store.put("a", beat("a", T0));
    store.remove("a");
    store.remove("zzz");
    expect(changes).toEqual(["a", "a"]);
    expect(store.get("a")).toBeUndefined();
  });

  it("DeviceStatusStore - judges by receive time: a slow device clock is fresh, an old replayed value is not", () => {
    const TEN_MINUTES = 10 * 60_000;
    const now = T0;
    const store = new DeviceStatusStore(
      3000,
      () => undefined,
      () => now,
    );
    // The device's clock is 10 minutes behind, but the heartbeat arrived just now.
    store.put("slow", beat("slow", T0 - TEN_MINUTES), T0);
    // Replayed at watch start: stored (and sent) 10 minutes ago by a dead device.
    store.put("dead", beat("dead", T0 - TEN_MINUTES), T0 - TEN_MINUTES);
    const fresh = (report: DeviceReport | undefined): boolean =>
      report !== undefined && isDeviceFresh(report, now, 3000);
    expect(fresh(store.get("slow"))).toBe(true);
    expect(fresh(store.get("dead"))).toBe(false);
    // Already known stale when it was put, so the sweep has nothing new to announce.
    expect(store.sweep()).toBe(0);
  });

  it("DeviceStatusStore - says which deployments a heartbeat changed, and 'all' when freshness did", () => {
    let now = T0;
    const changes: DeviceChange[] = [];
    const store = new DeviceStatusStore(
      3000,
      (_device, _at, change) => changes.push(change),
      () => now,
    );
    const withPhases = (phases: Record<string, "Running" | "Failed">) =>
      agentStatusSchema.parse({
        deviceId: "a",
        agentVersion: "t",
        lastHeartbeatAt: iso(now),
        deployments: Object.fromEntries(
          Object.entries(phases).map(([key, phase]) => [key, { phase, lastEventAt: iso(T0) }]),
        ),
      });
    store.put("a", withPhases({ "a.ns.web": "Running", "a.ns.api": "Running" }));
    now += 1000;
    store.put("a", withPhases({ "a.ns.web": "Running", "a.ns.api": "Running" }));
    store.put("a", withPhases({ "a.ns.web": "Failed", "a.ns.api": "Running" }));
    store.put("a", withPhases({ "a.ns.web": "Failed" }));
    now += 5000;
    store.sweep();
    store.put("a", withPhases({ "a.ns.web": "Failed" }));
    expect(changes).toEqual([
      "all",
      new Set(),
      new Set(["a.ns.web"]),
      new Set(["a.ns.api"]),
      "all",
      "all",
    ]);
  });

  it("DeviceStatusStore - a receive time in the future is taken as now", () => {
    const store = new DeviceStatusStore(
      3000,
      () => undefined,
      () => T0,
    );
    store.put("a", beat("a", T0), T0 + 60_000);
    expect(store.get("a")?.receivedAtMs).toBe(T0);
  });

  it("changedDeployments - a new revision with the same phase is a change (a rollout counts it)", () => {
    const before = { "a.ns.web": { phase: "Running" as const, revision: 1 } };
    const after = { "a.ns.web": { phase: "Running" as const, revision: 2 } };
    expect([...changedDeployments(before, after)]).toEqual(["a.ns.web"]);
    expect([...changedDeployments(after, after)]).toEqual([]);
  });
});

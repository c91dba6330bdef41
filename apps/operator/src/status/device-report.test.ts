import { agentStatusSchema, RECENT_AGGREGATE_EVENTS_LIMIT } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { isFresh, toDeviceReport } from "./device-report.js";
import { iso, keyFor, T0 } from "./test-reports.js";

const status = (lastHeartbeatAt: string, recentEvents: unknown[] = []) =>
  agentStatusSchema.parse({ deviceId: "a", agentVersion: "t", lastHeartbeatAt, recentEvents });

describe("toDeviceReport", () => {
  it("toDeviceReport - a heartbeat from a clock running ahead is clamped to the receive time", () => {
    const report = toDeviceReport("a", status(iso(T0 + 60_000)), T0);
    expect(report.heartbeatAtMs).toBe(T0);
    expect(report.heartbeatAt).toBe(iso(T0));
    expect(toDeviceReport("a", status(iso(T0 - 10)), T0).heartbeatAt).toBe(iso(T0 - 10));
  });

  it("toDeviceReport - keeps events per deployment, newest first, bounded, and drops unkeyed ones", () => {
    const events = [
      ...Array.from({ length: 30 }, (_, i) => ({
        at: iso(T0 + i),
        severity: "Info",
        message: `m${i}`,
        deployment: keyFor("a"),
      })),
      { at: iso(T0), severity: "Info", message: "device-wide" },
    ];
    const report = toDeviceReport("a", status(iso(T0), events.slice(0, 50)), T0 + 100);
    const mine = report.eventsByKey.get(keyFor("a")) ?? [];
    expect(mine).toHaveLength(RECENT_AGGREGATE_EVENTS_LIMIT);
    expect(mine[0]?.message).toBe("m29");
    expect(report.eventsByKey.size).toBe(1);
  });

  it("isFresh - fresh up to and including the window, stale after", () => {
    const report = toDeviceReport("a", status(iso(T0)), T0);
    expect(isFresh(report, T0 + 1000, 1000)).toBe(true);
    expect(isFresh(report, T0 + 1001, 1000)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { agentStatusSchema } from "./agent-status.js";
import { RECENT_AGGREGATE_EVENTS_LIMIT } from "./deployment-status.js";
import { toDeviceReport } from "./device-report.js";
import { iso, keyFor, T0 } from "./testing/reports.js";

const status = (lastHeartbeatAt: string, recentEvents: unknown[] = [], deployments = {}) =>
  agentStatusSchema.parse({
    deviceId: "a",
    agentVersion: "t",
    lastHeartbeatAt,
    recentEvents,
    deployments,
  });

describe("toDeviceReport", () => {
  it("toDeviceReport - keeps the receive time, and clamps a claimed time ahead of it", () => {
    const report = toDeviceReport("a", status(iso(T0 + 60_000)), T0);
    expect(report.receivedAtMs).toBe(T0);
    expect(report.heartbeatAt).toBe(iso(T0));
    // A claimed time behind the receipt is kept as the device said it.
    expect(toDeviceReport("a", status(iso(T0 - 10)), T0).heartbeatAt).toBe(iso(T0 - 10));
  });

  it("toDeviceReport - clamps a deployment's lastEventAt in the future, leaves others alone", () => {
    const deployments = {
      [keyFor("a")]: { phase: "Failed", lastEventAt: iso(T0 + 5000) },
      [keyFor("a", "other")]: { phase: "Running", lastEventAt: iso(T0 - 5000) },
    };
    const report = toDeviceReport("a", status(iso(T0), [], deployments), T0);
    expect(report.deployments[keyFor("a")]?.lastEventAt).toBe(iso(T0));
    expect(report.deployments[keyFor("a", "other")]?.lastEventAt).toBe(iso(T0 - 5000));
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
});

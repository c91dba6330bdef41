import { RECENT_AGGREGATE_EVENTS_LIMIT } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { aggregate, type AggregateTarget } from "./aggregate.js";
import type { DeviceReport } from "./device-report.js";
import { heartbeat, iso, keyFor, T0 } from "./test-reports.js";

const WINDOW = 15_000;
const targets = (...devices: string[]): AggregateTarget[] =>
  devices.map((device) => ({ device, key: keyFor(device) }));
const lookupIn =
  (...reports: DeviceReport[]) =>
  (device: string): DeviceReport | undefined =>
    reports.find((r) => r.device === device);

describe("aggregate", () => {
  it("aggregate - Running, Failed and no report count as succeeded, failed and unreported", () => {
    const result = aggregate(
      targets("a", "b", "c"),
      lookupIn(
        heartbeat("a", T0, { [keyFor("a")]: { phase: "Running" } }),
        heartbeat("b", T0, {
          [keyFor("b")]: {
            phase: "Failed",
            lastError: "image not found",
            lastEventAt: iso(T0 - 1000),
          },
        }),
      ),
      T0 + 1000,
      WINDOW,
    );
    expect(result).toMatchObject({ succeeded: 1, failed: 1, pending: 0, unreported: 1 });
    expect(result.lastError).toEqual({
      device: "b",
      message: "image not found",
      at: iso(T0 - 1000),
    });
    expect(result.lastHeartbeatAt).toBe(iso(T0));
  });

  it("aggregate - a fresh report without this deployment's key, or Pending, counts as pending", () => {
    const result = aggregate(
      targets("a", "b"),
      lookupIn(
        heartbeat("a", T0, { [keyFor("a", "other")]: { phase: "Running" } }),
        heartbeat("b", T0, { [keyFor("b")]: { phase: "Pending" } }),
      ),
      T0,
      WINDOW,
    );
    expect(result).toMatchObject({ succeeded: 0, failed: 0, pending: 2, unreported: 0 });
  });

  it("aggregate - a heartbeat older than the window is unreported, even if it said Running", () => {
    const report = heartbeat("a", T0, { [keyFor("a")]: { phase: "Running" } });
    expect(aggregate(targets("a"), lookupIn(report), T0 + WINDOW, WINDOW).succeeded).toBe(1);
    const stale = aggregate(targets("a"), lookupIn(report), T0 + WINDOW + 1, WINDOW);
    expect(stale).toMatchObject({ succeeded: 0, unreported: 1 });
    // The last heartbeat is still shown, so users see when the device went quiet.
    expect(stale.lastHeartbeatAt).toBe(iso(T0));
  });

  it("aggregate - a stale Failed device is unreported and is not the lastError", () => {
    const report = heartbeat("a", T0, { [keyFor("a")]: { phase: "Failed", lastError: "boom" } });
    const result = aggregate(targets("a"), lookupIn(report), T0 + WINDOW + 1, WINDOW);
    expect(result).toMatchObject({ failed: 0, unreported: 1 });
    expect(result.lastError).toBeUndefined();
  });

  it("aggregate - no targets reported at all: everything unreported, no heartbeat", () => {
    const result = aggregate(targets("a", "b"), lookupIn(), T0, WINDOW);
    expect(result).toEqual({
      succeeded: 0,
      failed: 0,
      pending: 0,
      unreported: 2,
      recentEvents: [],
    });
  });

  it("aggregate - lastError is the most recent failure; a failure without text says so", () => {
    const result = aggregate(
      targets("a", "b"),
      lookupIn(
        heartbeat("a", T0, {
          [keyFor("a")]: { phase: "Failed", lastError: "old", lastEventAt: iso(T0 - 5000) },
        }),
        heartbeat("b", T0, { [keyFor("b")]: { phase: "Failed", lastEventAt: iso(T0 - 1000) } }),
      ),
      T0,
      WINDOW,
    );
    expect(result.failed).toBe(2);
    expect(result.lastError?.device).toBe("b");
    expect(result.lastError?.message).toMatch(/without an error message/);
  });

  it("aggregate - recent events: only this deployment's, newest first, de-duplicated, bounded", () => {
    const mine = keyFor("a");
    const events = Array.from({ length: 30 }, (_, i) => ({
      at: iso(T0 - i * 1000),
      severity: "Info" as const,
      message: `event ${i}`,
      deployment: mine,
    }));
    const duplicate = events[0];
    const other = {
      at: iso(T0 + 1),
      severity: "Error" as const,
      message: "other",
      deployment: keyFor("a", "other"),
    };
    const a = heartbeat("a", T0, {}, [...events, other]);
    const b = heartbeat("b", T0, {}, [
      { at: iso(T0 - 500), severity: "Warning", message: "from b", deployment: keyFor("b") },
    ]);
    const withDuplicate = heartbeat("a", T0, {}, duplicate ? [...events, duplicate] : events);
    const result = aggregate(targets("a", "b"), lookupIn(a, b), T0, WINDOW);
    expect(result.recentEvents).toHaveLength(RECENT_AGGREGATE_EVENTS_LIMIT);
    expect(result.recentEvents[0]).toEqual({
      at: iso(T0),
      device: "a",
      severity: "Info",
      message: "event 0",
    });
    expect(result.recentEvents[1]).toMatchObject({ device: "b", message: "from b" });
    expect(result.recentEvents.some((e) => e.message === "other")).toBe(false);
    const times = result.recentEvents.map((e) => Date.parse(e.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const deduped = aggregate(targets("a"), lookupIn(withDuplicate), T0, WINDOW);
    expect(deduped.recentEvents.filter((e) => e.message === "event 0")).toHaveLength(1);
  });

  it("aggregate - events of a device that went stale are still listed", () => {
    const report = heartbeat("a", T0, {}, [
      { at: iso(T0), severity: "Error", message: "container died", deployment: keyFor("a") },
    ]);
    const result = aggregate(targets("a"), lookupIn(report), T0 + WINDOW * 10, WINDOW);
    expect(result.recentEvents.map((e) => e.message)).toEqual(["container died"]);
  });

  it("aggregate - 10 000 devices aggregate into counts only", () => {
    const devices = Array.from({ length: 10_000 }, (_, i) => `dev-${i}`);
    const reports = new Map(
      devices.map((d, i) => [
        d,
        heartbeat(d, T0, {
          [keyFor(d)]: { phase: i % 10 === 0 ? "Failed" : "Running", lastError: "x" },
        }),
      ]),
    );
    const result = aggregate(targets(...devices), (d) => reports.get(d), T0, WINDOW);
    expect(result).toMatchObject({ succeeded: 9000, failed: 1000, pending: 0, unreported: 0 });
    expect(JSON.stringify(result).length).toBeLessThan(10_000);
  });
});

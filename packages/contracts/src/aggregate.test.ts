import { describe, expect, it } from "vitest";
import { CLIP_MARK } from "./clip.js";
import {
  RECENT_AGGREGATE_EVENTS_LIMIT,
  RECENT_FAILURE_MESSAGE_MAX_LENGTH,
  RECENT_FAILURES_LIMIT,
} from "./deployment-status.js";
import { MESSAGE_MAX_LENGTH } from "./limits.js";
import {
  aggregateDeployment,
  aggregateTargets,
  FAILED_WITHOUT_TEXT,
  type AggregateTarget,
} from "./aggregate.js";
import type { DeviceReport } from "./device-report.js";
import { heartbeat, iso, keyFor, T0 } from "./testing/reports.js";

const WINDOW = 15_000;
const targets = (...devices: string[]): AggregateTarget[] =>
  devices.map((device) => ({ device, key: keyFor(device) }));
const lookupIn =
  (...reports: DeviceReport[]) =>
  (device: string): DeviceReport | undefined =>
    reports.find((r) => r.device === device);

describe("aggregate", () => {
  it("aggregate - Running, Failed and no report count as succeeded, failed and unreported", () => {
    const result = aggregateDeployment(
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
    const result = aggregateDeployment(
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
    expect(aggregateDeployment(targets("a"), lookupIn(report), T0 + WINDOW, WINDOW).succeeded).toBe(
      1,
    );
    const stale = aggregateDeployment(targets("a"), lookupIn(report), T0 + WINDOW + 1, WINDOW);
    expect(stale).toMatchObject({ succeeded: 0, unreported: 1 });
    // The last heartbeat is still shown, so users see when the device went quiet.
    expect(stale.lastHeartbeatAt).toBe(iso(T0));
  });

  it("aggregate - a stale Failed device is unreported and is not the lastError", () => {
    const report = heartbeat("a", T0, { [keyFor("a")]: { phase: "Failed", lastError: "boom" } });
    const result = aggregateDeployment(targets("a"), lookupIn(report), T0 + WINDOW + 1, WINDOW);
    expect(result).toMatchObject({ failed: 0, unreported: 1 });
    expect(result.lastError).toBeUndefined();
  });

  it("aggregate - no targets reported at all: everything unreported, no heartbeat", () => {
    const result = aggregateDeployment(targets("a", "b"), lookupIn(), T0, WINDOW);
    expect(result).toEqual({
      matchedDevices: 2,
      succeeded: 0,
      failed: 0,
      pending: 0,
      unreported: 2,
      conflicted: 0,
      recentEvents: [],
      recentFailures: [],
    });
  });

  it("aggregate - lastError is the most recent failure; a failure without text says so", () => {
    const result = aggregateDeployment(
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
    expect(result.lastError?.message).toBe(FAILED_WITHOUT_TEXT);
  });

  it("aggregate - recentFailures: newest first, one per device, at most 20, texts clipped", () => {
    const devices = Array.from({ length: 30 }, (_, i) => `d${i}`);
    const result = aggregateDeployment(
      targets(...devices),
      lookupIn(
        ...devices.map((device, i) =>
          heartbeat(device, T0, {
            [keyFor(device)]: {
              phase: "Failed",
              lastError: `${device}: ${"x".repeat(2000)}`,
              lastEventAt: iso(T0 - 60_000 + i * 1000),
            },
          }),
        ),
      ),
      T0,
      WINDOW,
    );
    expect(result.failed).toBe(30);
    expect(result.recentFailures).toHaveLength(RECENT_FAILURES_LIMIT);
    expect(result.recentFailures.map((f) => f.device)).toEqual(
      devices.slice(-RECENT_FAILURES_LIMIT).reverse(),
    );
    for (const failure of result.recentFailures) {
      expect(failure.message.length).toBeLessThanOrEqual(RECENT_FAILURE_MESSAGE_MAX_LENGTH);
    }
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
    const result = aggregateDeployment(targets("a", "b"), lookupIn(a, b), T0, WINDOW);
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
    const deduped = aggregateDeployment(targets("a"), lookupIn(withDuplicate), T0, WINDOW);
    expect(deduped.recentEvents.filter((e) => e.message === "event 0")).toHaveLength(1);
  });

  it("aggregate - events of a device that went stale are still listed", () => {
    const report = heartbeat("a", T0, {}, [
      { at: iso(T0), severity: "Error", message: "container died", deployment: keyFor("a") },
    ]);
    const result = aggregateDeployment(targets("a"), lookupIn(report), T0 + WINDOW * 10, WINDOW);
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
    const result = aggregateDeployment(targets(...devices), (d) => reports.get(d), T0, WINDOW);
    expect(result).toMatchObject({ succeeded: 9000, failed: 1000, pending: 0, unreported: 0 });
    expect(JSON.stringify(result).length).toBeLessThan(10_000);
  });

  it("aggregate - a device whose clock is 10 minutes behind or ahead is judged by receive time", () => {
    const TEN_MINUTES = 10 * 60_000;
    const running = { [keyFor("slow")]: { phase: "Running" as const } };
    // Sent "10 minutes ago" by its own clock, received just now: fresh.
    const slow = heartbeat("slow", T0 - TEN_MINUTES, running, [], T0);
    const fast = heartbeat(
      "fast",
      T0 + TEN_MINUTES,
      { [keyFor("fast")]: { phase: "Running" } },
      [],
      T0,
    );
    const now = T0 + 1000;
    const both = aggregateDeployment(targets("slow", "fast"), lookupIn(slow, fast), now, WINDOW);
    expect(both).toMatchObject({ succeeded: 2, unreported: 0 });
    expect(both.lastHeartbeatAt).toBe(iso(T0));
    // A clock running ahead does not keep a silent device fresh past the window.
    const later = T0 + WINDOW + 1;
    const after = aggregateDeployment(targets("slow", "fast"), lookupIn(slow, fast), later, WINDOW);
    expect(after).toMatchObject({ succeeded: 0, unreported: 2 });
  });

  it("aggregate - an error dated in the future by a fast clock is clamped to its receipt", () => {
    const report = heartbeat(
      "a",
      T0 + 60_000,
      { [keyFor("a")]: { phase: "Failed", lastError: "boom", lastEventAt: iso(T0 + 60_000) } },
      [{ at: iso(T0 + 60_000), severity: "Error", message: "boom", deployment: keyFor("a") }],
      T0,
    );
    const result = aggregateDeployment(targets("a"), lookupIn(report), T0, WINDOW);
    expect(result.lastError?.at).toBe(iso(T0));
    expect(result.recentEvents[0]?.at).toBe(iso(T0));
  });

  it("aggregate - clips error and event texts to MESSAGE_MAX_LENGTH", () => {
    const long = "x".repeat(MESSAGE_MAX_LENGTH * 4);
    // Bypasses the decoder (which clips too): the fold must not rely on it.
    const base = heartbeat("a", T0);
    const report: DeviceReport = {
      ...base,
      deployments: { [keyFor("a")]: { phase: "Failed", lastError: long } },
      eventsByKey: new Map([
        [keyFor("a"), [{ at: iso(T0), severity: "Error" as const, message: long }]],
      ]),
    };
    const result = aggregateDeployment(targets("a"), lookupIn(report), T0, WINDOW);
    expect(result.lastError?.message).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(result.lastError?.message.endsWith(CLIP_MARK)).toBe(true);
    expect(result.recentEvents[0]?.message).toHaveLength(MESSAGE_MAX_LENGTH);
  });

  it("aggregateTargets - one desired-state key per targeted device", () => {
    expect(aggregateTargets({ namespace: "ns", name: "web", targetDevices: ["a", "b"] })).toEqual(
      targets("a", "b"),
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  clampClaimedTime,
  heartbeatReceivedAtMs,
  isDeviceFresh,
  OFFLINE_AFTER_PERIODS,
  offlineAfterMs,
  WatchReplay,
} from "./freshness.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const TEN_MINUTES = 10 * 60_000;

describe("freshness", () => {
  it("offlineAfterMs - is OFFLINE_AFTER_PERIODS heartbeat periods", () => {
    expect(OFFLINE_AFTER_PERIODS).toBe(3);
    expect(offlineAfterMs(5000)).toBe(15_000);
  });

  it("isDeviceFresh - fresh up to and including the window after receipt, stale after", () => {
    const report = { receivedAtMs: T0 };
    expect(isDeviceFresh(report, T0 + 1000, 1000)).toBe(true);
    expect(isDeviceFresh(report, T0 + 1001, 1000)).toBe(false);
  });

  it("heartbeatReceivedAtMs - a live update is received now, whatever the server's timestamp", () => {
    // The NATS server's clock 10 minutes behind or ahead of ours changes nothing.
    for (const skew of [-TEN_MINUTES, TEN_MINUTES]) {
      expect(heartbeatReceivedAtMs({ created: new Date(T0 + skew) }, false, T0)).toBe(T0);
    }
  });

  it("heartbeatReceivedAtMs - a replayed value keeps its age, never dated after now", () => {
    expect(heartbeatReceivedAtMs({ created: new Date(T0 - TEN_MINUTES) }, true, T0)).toBe(
      T0 - TEN_MINUTES,
    );
    expect(heartbeatReceivedAtMs({ created: new Date(T0 + TEN_MINUTES) }, true, T0)).toBe(T0);
    expect(heartbeatReceivedAtMs({ created: new Date(Number.NaN) }, true, T0)).toBe(T0);
  });

  it("WatchReplay - the replay runs up to and including the first entry with nothing pending", () => {
    const replay = new WatchReplay(false);
    // Three keys replayed (2, 1, 0 pending after each), then live updates.
    expect([2, 1, 0, 0, 0].map((delta) => replay.next({ delta }))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(replay.replaying).toBe(false);
  });

  it("WatchReplay - updates that arrive during the replay extend it: they are dated by the server", () => {
    const replay = new WatchReplay(false);
    expect([1, 1, 0, 0].map((delta) => replay.next({ delta }))).toEqual([true, true, true, false]);
  });

  it("WatchReplay - a bucket empty at open replays nothing: the first entry is live", () => {
    const replay = new WatchReplay(true);
    expect(replay.replaying).toBe(false);
    expect(replay.next({ delta: 0 })).toBe(false);
  });

  it("clampClaimedTime - a claimed time is never later than the receipt", () => {
    const ahead = new Date(T0 + TEN_MINUTES).toISOString();
    expect(clampClaimedTime(ahead, T0)).toEqual({ ms: T0, iso: new Date(T0).toISOString() });
    const behind = new Date(T0 - TEN_MINUTES).toISOString();
    expect(clampClaimedTime(behind, T0)).toEqual({ ms: T0 - TEN_MINUTES, iso: behind });
  });
});

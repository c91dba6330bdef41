import { encodeAgentStatus, type AgentStatus } from "@fleet/contracts";
import type { KV, KvWatchEntry } from "@nats-io/kv";
import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../logger.js";
import { createMetrics } from "../metrics.js";
import { AgentStatusWatch, type HeartbeatSink } from "./agent-status-watch.js";

/** When the heartbeats in these tests were stored: long enough ago for a device to be offline. */
const STORED_AT = new Date(Date.now() - 10 * 60_000);

/**
 * A heartbeat as nats.js delivers it; `delta` is what is pending after it.
 * nats.js marks the replay's last value (delta 0) as an update too: the watch
 * must not take that for a live heartbeat.
 */
function heartbeat(delta: number, isUpdate = delta === 0): KvWatchEntry {
  return {
    bucket: "agent-status",
    key: "status.dev-1",
    value: encodeAgentStatus({
      deviceId: "dev-1",
      agentVersion: "test",
      lastHeartbeatAt: new Date().toISOString(),
    }),
    created: STORED_AT,
    revision: 1,
    delta,
    operation: "PUT",
    length: 0,
    isUpdate,
  } as unknown as KvWatchEntry;
}

/**
 * A bucket holding `stored` values (what a watch replays), whose watches deliver
 * `entries`, then nothing until stopped (a consumer gone with its node).
 */
function silentBucket(
  stored: number,
  entries: KvWatchEntry[],
): { kv: () => KV; watches: () => number } {
  let watches = 0;
  const kv = {
    status: () => Promise.resolve({ values: stored }),
    watch() {
      watches++;
      let stop: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      return Promise.resolve({
        stop,
        async *[Symbol.asyncIterator]() {
          yield* entries;
          await stopped;
        },
      });
    },
  } as unknown as KV;
  return { kv: () => kv, watches: () => watches };
}

const sink = (): HeartbeatSink & { seen: AgentStatus[]; receivedAtMs: number[] } => {
  const seen: AgentStatus[] = [];
  const receivedAtMs: number[] = [];
  return {
    seen,
    receivedAtMs,
    put: (_device, status, at) => {
      seen.push(status);
      receivedAtMs.push(at);
    },
    remove: () => undefined,
  };
};

describe("agent-status watch - silence", () => {
  it("a watch that goes silent after heartbeats flowed is reopened (its consumer died with a NATS node)", async () => {
    // An empty bucket, then one live heartbeat.
    const bucket = silentBucket(0, [heartbeat(0)]);
    const store = sink();
    const watch = new AgentStatusWatch(bucket.kv, store, createLogger("silent"), createMetrics(), {
      silenceMs: 200,
    });
    watch.start();
    try {
      await vi.waitFor(() => {
        expect(bucket.watches()).toBeGreaterThanOrEqual(2);
      }, 5_000);
      expect(store.seen.length).toBeGreaterThanOrEqual(1);
    } finally {
      watch.stop();
    }
  });

  it("a quiet fleet (no update since the replay) is not reopened over and over, and its replayed heartbeats keep their age", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    // Two stored heartbeats replayed (the last one flagged isUpdate by nats.js), then nothing.
    const bucket = silentBucket(2, [heartbeat(1), heartbeat(0)]);
    const store = sink();
    const watch = new AgentStatusWatch(bucket.kv, store, createLogger("silent"), createMetrics(), {
      silenceMs: 100,
    });
    try {
      watch.start();
      await vi.waitFor(() => {
        expect(store.seen).toHaveLength(2);
      });
      // Dated when NATS stored them, not now: a device silent since stays offline.
      expect(store.receivedAtMs).toEqual([STORED_AT.getTime(), STORED_AT.getTime()]);
      vi.advanceTimersByTime(1_000);
      await Promise.resolve();
      expect(bucket.watches()).toBe(1);
    } finally {
      watch.stop();
      vi.useRealTimers();
    }
  });
});

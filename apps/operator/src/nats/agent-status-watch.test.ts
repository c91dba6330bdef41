import { encodeAgentStatus, type AgentStatus } from "@fleet/contracts";
import type { KV, KvWatchEntry } from "@nats-io/kv";
import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../logger.js";
import { createMetrics } from "../metrics.js";
import { AgentStatusWatch, type HeartbeatSink } from "./agent-status-watch.js";

function heartbeat(isUpdate: boolean): KvWatchEntry {
  return {
    bucket: "agent-status",
    key: "status.dev-1",
    value: encodeAgentStatus({
      deviceId: "dev-1",
      agentVersion: "test",
      lastHeartbeatAt: new Date().toISOString(),
    }),
    created: new Date(),
    revision: 1,
    delta: 0,
    operation: "PUT",
    length: 0,
    isUpdate,
  } as unknown as KvWatchEntry;
}

/** A bucket whose watches deliver `entries`, then nothing until stopped (a consumer gone with its node). */
function silentBucket(entries: KvWatchEntry[]): { kv: () => KV; watches: () => number } {
  let watches = 0;
  const kv = {
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

const sink = (): HeartbeatSink & { seen: AgentStatus[] } => {
  const seen: AgentStatus[] = [];
  return { seen, put: (_device, status) => seen.push(status), remove: () => undefined };
};

describe("agent-status watch - silence", () => {
  it("a watch that goes silent after heartbeats flowed is reopened (its consumer died with a NATS node)", async () => {
    const bucket = silentBucket([heartbeat(true)]);
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

  it("a quiet fleet (no update since the replay) is not reopened over and over", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const bucket = silentBucket([heartbeat(false)]);
    const watch = new AgentStatusWatch(bucket.kv, sink(), createLogger("silent"), createMetrics(), {
      silenceMs: 100,
    });
    try {
      watch.start();
      await vi.waitFor(() => {
        expect(bucket.watches()).toBe(1);
      });
      vi.advanceTimersByTime(1_000);
      await Promise.resolve();
      expect(bucket.watches()).toBe(1);
    } finally {
      watch.stop();
      vi.useRealTimers();
    }
  });
});

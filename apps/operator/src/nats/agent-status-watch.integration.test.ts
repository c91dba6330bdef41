// The agent-status watch against the real nats-server: heartbeats stored
// before the watch opened are dated when NATS stored them, the last one too
// (nats.js flags the replay's last value as an update; taking that flag as
// "just received" kept the last device to report online for ever, since a
// quiet watch is reopened and replays it again), and live ones are dated now.
import type { AgentStatusInput } from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { createMetrics } from "../metrics.js";
import { Kv, runId } from "../testing/fixtures.js";
import { AgentStatusWatch, type HeartbeatSink } from "./agent-status-watch.js";

let kv: Kv;
const devices = ["first", "last"].map((d) => `watch-${d}-${runId}`) as [string, string];

const heartbeat = (deviceId: string): AgentStatusInput => ({
  deviceId,
  agentVersion: "test",
  lastHeartbeatAt: new Date().toISOString(),
});

/** Every put the watch made, per device, in order. */
function recordingSink(): HeartbeatSink & { received: Map<string, number[]> } {
  const received = new Map<string, number[]>();
  return {
    received,
    put: (device, _status, receivedAtMs) => {
      received.set(device, [...(received.get(device) ?? []), receivedAtMs]);
    },
    remove: () => undefined,
  };
}

beforeAll(async () => {
  kv = await Kv.connect();
});

afterAll(async () => {
  await kv.cleanup([]);
  await kv.close();
});

describe("AgentStatusWatch - against the real nats-server", () => {
  it("replayed heartbeats keep the time NATS stored them, the replay's last one included; live ones are dated now", async () => {
    for (const device of devices) await kv.report(heartbeat(device));
    const storedBy = Date.now();
    await waitUntil(() => Promise.resolve(Date.now() > storedBy), {
      what: "the clock past the writes",
      timeoutMs: 1000,
    });

    const sink = recordingSink();
    const watch = new AgentStatusWatch(
      () => kv.status,
      sink,
      createLogger("silent"),
      createMetrics(),
      { silenceMs: 60_000 },
    );
    watch.start();
    try {
      await waitUntil(() => Promise.resolve(devices.every((d) => sink.received.has(d))), {
        what: "both stored heartbeats replayed",
        timeoutMs: 10_000,
      });
      for (const device of devices)
        expect(sink.received.get(device)?.[0]).toBeLessThanOrEqual(storedBy);

      const liveFrom = Date.now();
      await kv.report(heartbeat(devices[0]));
      await waitUntil(() => Promise.resolve((sink.received.get(devices[0])?.length ?? 0) >= 2), {
        what: "the live heartbeat",
        timeoutMs: 10_000,
      });
      expect(sink.received.get(devices[0])?.[1]).toBeGreaterThanOrEqual(liveFrom);
    } finally {
      watch.stop();
    }
  });
});

import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMetrics } from "../metrics.js";
import { DeploymentRegistry } from "./deployment-registry.js";
import { heartbeat, keyFor } from "./test-reports.js";
import { StatusFlusher } from "./status-flusher.js";
import type { DeviceReport } from "@fleet/contracts";

const log = pino({ level: "silent" });

function setup(canWrite = () => true) {
  const registry = new DeploymentRegistry();
  registry.upsert(
    {
      key: "ns/web",
      namespace: "ns",
      name: "web",
      generation: 1,
      targets: [{ device: "a", key: keyFor("a") }],
      specProblem: undefined,
    },
    { conditions: [], statusJson: undefined },
  );
  const reports = new Map<string, DeviceReport>();
  const patches: Record<string, unknown>[] = [];
  const flusher = new StatusFlusher(
    {
      registry,
      lookup: (device) => reports.get(device),
      patch: (_ns, _name, body) => {
        patches.push(body);
        return Promise.resolve();
      },
    },
    { periodMs: 1000, stalenessWindowMs: 60_000, canWrite },
    log,
    createMetrics(),
  );
  return { registry, reports, patches, flusher };
}

describe("StatusFlusher", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse("2026-01-01T00:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("StatusFlusher - a burst of heartbeats gives at most one patch per CR per period", async () => {
    const { reports, patches, flusher } = setup();
    flusher.start();
    for (let i = 0; i < 100; i++) {
      reports.set(
        "a",
        heartbeat("a", Date.now(), { [keyFor("a")]: { phase: i % 2 ? "Running" : "Pending" } }),
      );
      flusher.markDevice("a", Date.now());
      await vi.advanceTimersByTimeAsync(50);
    }
    // 100 changes over 5 s: the first is flushed at once, then one pass per second.
    expect(patches.length).toBeGreaterThanOrEqual(5);
    expect(patches.length).toBeLessThanOrEqual(6);
    flusher.stop();
  });

  it("StatusFlusher - a change after a quiet period is flushed without waiting a period", async () => {
    const { reports, patches, flusher } = setup();
    flusher.start();
    reports.set("a", heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Running" } }));
    flusher.markDevice("a", Date.now());
    await vi.advanceTimersByTimeAsync(25);
    expect(patches).toHaveLength(1);
    flusher.stop();
  });

  it("StatusFlusher - one CR's recent patch does not delay another CR's first change", async () => {
    const { registry, reports, patches, flusher } = setup();
    registry.upsert(
      {
        key: "ns/api",
        namespace: "ns",
        name: "api",
        generation: 1,
        targets: [{ device: "b", key: keyFor("b", "api") }],
        specProblem: undefined,
      },
      { conditions: [], statusJson: undefined },
    );
    flusher.start();
    reports.set("a", heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Running" } }));
    flusher.markDevice("a", Date.now());
    await vi.advanceTimersByTimeAsync(25);
    expect(patches).toHaveLength(1);
    reports.set("b", heartbeat("b", Date.now(), { [keyFor("b", "api")]: { phase: "Failed" } }));
    flusher.markDevice("b", Date.now());
    await vi.advanceTimersByTimeAsync(25);
    expect(patches).toHaveLength(2);
    flusher.stop();
  });

  it("StatusFlusher - an unchanged status is not patched again", async () => {
    const { patches, flusher } = setup();
    flusher.start();
    flusher.markDirty("ns/web");
    await vi.advanceTimersByTimeAsync(1100);
    flusher.markDirty("ns/web");
    await vi.advanceTimersByTimeAsync(1100);
    expect(patches).toHaveLength(1);
    flusher.stop();
  });

  it("StatusFlusher - writes nothing when not the leader", async () => {
    const { patches, flusher } = setup(() => false);
    flusher.start();
    flusher.markDirty("ns/web");
    await vi.advanceTimersByTimeAsync(3000);
    expect(patches).toHaveLength(0);
    flusher.stop();
  });

  it("StatusFlusher - a device unrelated to any CR marks nothing", async () => {
    const { registry, patches, flusher } = setup();
    flusher.start();
    flusher.markDevice("zzz", Date.now());
    await vi.advanceTimersByTimeAsync(1100);
    expect(patches).toHaveLength(0);
    expect(registry.size).toBe(1);
    flusher.stop();
  });
});

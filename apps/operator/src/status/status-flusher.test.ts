import { ApiException } from "@kubernetes/client-node";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMetrics } from "../metrics.js";
import { FixedPlacement } from "../testing/fixed-placement.js";
import { DeploymentRegistry } from "./deployment-registry.js";
import { heartbeat, keyFor } from "@fleet/contracts/testing/reports";
import { PATCH_BURST } from "./patch-budget.js";
import { MAX_PATCH_BACKOFF_MS, StatusFlusher } from "./status-flusher.js";
import type { DeviceReport, RolloutStatus } from "@fleet/contracts";

const log = pino({ level: "silent" });

type Patch = (body: Record<string, unknown>) => Promise<void>;
const accept: Patch = () => Promise.resolve();

function setup(
  canWrite = () => true,
  patch: Patch = accept,
  rolloutOf: (key: string) => RolloutStatus | undefined = () => undefined,
) {
  const placement = new FixedPlacement()
    .set("ns/web", [{ device: "a", key: keyFor("a") }])
    .set("ns/api", [{ device: "b", key: keyFor("b", "api") }]);
  const registry = new DeploymentRegistry(placement);
  registry.upsert(
    { key: "ns/web", namespace: "ns", name: "web", generation: 1, specProblem: undefined },
    { conditions: [], statusJson: undefined },
  );
  const reports = new Map<string, DeviceReport>();
  const patches: Record<string, unknown>[] = [];
  const metrics = createMetrics();
  const flusher = new StatusFlusher(
    {
      registry,
      lookup: (device) => reports.get(device),
      patch: (_ns, _name, body) => {
        patches.push(body);
        return patch(body);
      },
      rolloutOf,
    },
    { periodMs: 1000, stalenessWindowMs: 60_000, canWrite },
    log,
    metrics,
  );
  return { registry, reports, patches, flusher, metrics };
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
    // 100 changes over 5 s: the first two at once (the burst), then one a second.
    expect(patches.length).toBeGreaterThanOrEqual(5);
    expect(patches.length).toBeLessThanOrEqual(5 + PATCH_BURST);
    flusher.stop();
  });

  it("StatusFlusher - heartbeats that only move the heartbeat time give one patch per period", async () => {
    const { reports, patches, flusher } = setup();
    flusher.start();
    const deployments = { [keyFor("a")]: { phase: "Running" as const } };
    reports.set("a", heartbeat("a", Date.now(), deployments));
    flusher.markDevice("a", Date.now(), "all");
    await vi.advanceTimersByTimeAsync(25);
    expect(patches).toHaveLength(1);
    for (let i = 0; i < 100; i++) {
      await vi.advanceTimersByTimeAsync(100);
      reports.set("a", heartbeat("a", Date.now(), deployments));
      flusher.markDevice("a", Date.now(), new Set());
    }
    // 10 s of routine changes: one patch a period, never the burst.
    expect(patches.length - 1).toBeGreaterThanOrEqual(9);
    expect(patches.length - 1).toBeLessThanOrEqual(10);
    flusher.stop();
  });

  /** Device "a" Running and patched; then a heartbeat that moves only the heartbeat time, patched too (one token left). */
  async function runningThenRoutinePatch(s: ReturnType<typeof setup>): Promise<void> {
    const running = () => heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Running" } });
    s.flusher.start();
    s.reports.set("a", running());
    s.flusher.markDevice("a", Date.now(), "all");
    await vi.advanceTimersByTimeAsync(2000);
    s.reports.set("a", running());
    s.flusher.markDevice("a", Date.now(), new Set());
    await vi.advanceTimersByTimeAsync(25);
    expect(s.patches).toHaveLength(2);
  }

  it("StatusFlusher - a failure right after a routine patch is not held back by the period", async () => {
    const s = setup();
    const { reports, patches, flusher } = s;
    await runningThenRoutinePatch(s);
    // The device reports the deployment Failed 50 ms later: out within a batch, not a period.
    await vi.advanceTimersByTimeAsync(25);
    reports.set("a", heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Failed" } }));
    flusher.markDevice("a", Date.now(), new Set([keyFor("a")]));
    await vi.advanceTimersByTimeAsync(25);
    expect(patches).toHaveLength(3);
    expect(patches[2]).toMatchObject({ aggregate: { failed: 1 } });
    flusher.stop();
  });

  it("StatusFlusher - a failure is not held behind a round of other CRs' routine patches", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const placement = new FixedPlacement();
    for (const name of names)
      placement.set(`ns/${name}`, [{ device: "a", key: keyFor("a", name) }]);
    const registry = new DeploymentRegistry(placement);
    for (const name of names) {
      registry.upsert(
        { key: `ns/${name}`, namespace: "ns", name, generation: 1, specProblem: undefined },
        { conditions: [], statusJson: undefined },
      );
    }
    const reports = new Map<string, DeviceReport>();
    const started: { name: string; failed: unknown }[] = [];
    const flusher = new StatusFlusher(
      {
        registry,
        lookup: (device) => reports.get(device),
        // Each patch takes 100 ms, as on a busy API server.
        patch: (_ns, name, body) => {
          started.push({ name, failed: (body.aggregate as { failed?: number }).failed });
          return new Promise((resolve) => setTimeout(resolve, 100));
        },
      },
      { periodMs: 1000, stalenessWindowMs: 60_000, canWrite: () => true },
      log,
      createMetrics(),
    );
    const phases = (failing?: string) =>
      Object.fromEntries(
        names.map((n) => [
          keyFor("a", n),
          { phase: n === failing ? "Failed" : "Running" } as const,
        ]),
      );
    flusher.start();
    reports.set("a", heartbeat("a", Date.now(), phases()));
    flusher.markDevice("a", Date.now(), "all");
    await vi.advanceTimersByTimeAsync(2000);
    started.length = 0;
    // A heartbeat that moves only the heartbeat time: a round of 20 routine patches, 8 at a time.
    reports.set("a", heartbeat("a", Date.now(), phases()));
    flusher.markDevice("a", Date.now(), new Set());
    await vi.advanceTimersByTimeAsync(30);
    reports.set("a", heartbeat("a", Date.now(), phases("c19")));
    flusher.markDevice("a", Date.now(), new Set([keyFor("a", "c19")]));
    await vi.advanceTimersByTimeAsync(1000);
    // It takes the first lane that frees up, before the rest of the round.
    const failedAt = started.findIndex((p) => p.name === "c19" && p.failed === 1);
    expect(failedAt).toBeGreaterThanOrEqual(0);
    expect(failedAt).toBeLessThanOrEqual(8);
    flusher.stop();
  });

  it("StatusFlusher - a failure is not held until another CR's routine change is due", async () => {
    const { registry, reports, patches, flusher } = setup();
    registry.upsert(
      { key: "ns/api", namespace: "ns", name: "api", generation: 1, specProblem: undefined },
      { conditions: [], statusJson: undefined },
    );
    flusher.start();
    reports.set("a", heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Running" } }));
    flusher.markDevice("a", Date.now(), "all");
    await vi.advanceTimersByTimeAsync(25);
    // A routine change of ns/web right after its patch: due only in about a period.
    reports.set("a", heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Running" } }));
    flusher.markDevice("a", Date.now(), new Set());
    await vi.advanceTimersByTimeAsync(25);
    expect(patches).toHaveLength(1);
    reports.set("b", heartbeat("b", Date.now(), { [keyFor("b", "api")]: { phase: "Failed" } }));
    flusher.markDevice("b", Date.now(), "all");
    await vi.advanceTimersByTimeAsync(25);
    expect(patches).toHaveLength(2);
    expect(patches[1]).toMatchObject({ aggregate: { failed: 1 } });
    flusher.stop();
  });

  it("StatusFlusher - a change of another deployment on the device is routine for this CR", async () => {
    const s = setup();
    const { reports, patches, flusher } = s;
    await runningThenRoutinePatch(s);
    reports.set("a", heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Running" } }));
    flusher.markDevice("a", Date.now(), new Set([keyFor("a", "other")]));
    await vi.advanceTimersByTimeAsync(500);
    expect(patches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(600);
    expect(patches).toHaveLength(3);
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
      { key: "ns/api", namespace: "ns", name: "api", generation: 1, specProblem: undefined },
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

  const tooLarge = (): ApiException<unknown> =>
    new ApiException(500, "error", { message: "etcdserver: request is too large" }, {});
  const patchCount = async (metrics: ReturnType<typeof createMetrics>, result: string) =>
    (await metrics.statusPatches.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

  it("StatusFlusher - a status rejected as too large is retried with backoff, not every second", async () => {
    const { reports, patches, flusher, metrics } = setup(
      () => true,
      () => Promise.reject(tooLarge()),
    );
    flusher.start();
    // A heartbeat every second for ten minutes, each one changing the status.
    for (let i = 0; i < 600; i++) {
      reports.set("a", heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Running" } }));
      flusher.markDevice("a", Date.now());
      await vi.advanceTimersByTimeAsync(1000);
    }
    // Waits of 2, 4, 8, ... s, capped at MAX_PATCH_BACKOFF_MS: about 9 attempts, not 600.
    expect(patches.length).toBeGreaterThanOrEqual(3);
    expect(patches.length).toBeLessThanOrEqual(8 + Math.ceil(600_000 / MAX_PATCH_BACKOFF_MS));
    expect(await patchCount(metrics, "rejected")).toBe(patches.length);
    expect(await patchCount(metrics, "error")).toBe(0);
    flusher.stop();
  });

  it("StatusFlusher - a transient failure is retried with growing waits, then works again", async () => {
    let failing = true;
    const { reports, patches, flusher, metrics } = setup(
      () => true,
      () =>
        failing ? Promise.reject(new ApiException(503, "unavailable", {}, {})) : Promise.resolve(),
    );
    flusher.start();
    reports.set("a", heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Running" } }));
    flusher.markDevice("a", Date.now());
    await vi.advanceTimersByTimeAsync(60_000);
    // 2 s, 4 s, 8 s, 16 s, 32 s apart: 5 attempts in a minute, not 60.
    expect(patches.length).toBeGreaterThanOrEqual(4);
    expect(patches.length).toBeLessThanOrEqual(6);
    expect(await patchCount(metrics, "error")).toBe(patches.length);
    failing = false;
    await vi.advanceTimersByTimeAsync(MAX_PATCH_BACKOFF_MS);
    expect(await patchCount(metrics, "ok")).toBe(1);
    flusher.stop();
  });

  const rollout = (currentBatch: number): RolloutStatus => ({
    revision: 2,
    stableRevision: 1,
    phase: "Progressing",
    currentBatch,
    totalBatches: 3,
    batches: [],
    message: `batch ${currentBatch} of 3`,
  });
  const batchOf = (body: Record<string, unknown> | undefined): unknown =>
    (body?.rollout as RolloutStatus | undefined)?.currentBatch;

  it("writeNow - a rollout transition is patched at once, whatever the routine pacing spent", async () => {
    let current = rollout(1);
    const { reports, patches, flusher } = setup(
      () => true,
      accept,
      () => current,
    );
    flusher.start();
    for (let i = 0; i < 3; i++) {
      reports.set("a", heartbeat("a", Date.now(), { [keyFor("a")]: { phase: "Pending" } }));
      flusher.markDevice("a", Date.now(), new Set());
      await vi.advanceTimersByTimeAsync(30);
    }
    const before = patches.length;
    current = rollout(2);
    await flusher.writeNow("ns/web");
    expect(patches).toHaveLength(before + 1);
    expect(batchOf(patches.at(-1))).toBe(2);
    flusher.stop();
  });

  it("writeNow - waits for the CR's patch in flight, so an older status never lands after it", async () => {
    let current = rollout(1);
    let release: () => void = () => undefined;
    let slow = true;
    const { patches, flusher } = setup(
      () => true,
      () =>
        slow
          ? new Promise<void>((resolve) => {
              release = resolve;
            })
          : Promise.resolve(),
      () => current,
    );
    flusher.start();
    flusher.markDirty("ns/web");
    await vi.advanceTimersByTimeAsync(25);
    expect(patches).toHaveLength(1); // batch 1, in flight
    slow = false;
    current = rollout(2);
    let done = false;
    const written = flusher.writeNow("ns/web").then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(done).toBe(false);
    expect(patches).toHaveLength(1);
    release();
    await written;
    expect(patches.map(batchOf)).toEqual([1, 2]);
    flusher.stop();
  });

  it("writeNow - a refused patch rejects (the caller writes no device) and the CR stays dirty", async () => {
    let failing = true;
    const { patches, flusher } = setup(
      () => true,
      () =>
        failing ? Promise.reject(new ApiException(503, "unavailable", {}, {})) : Promise.resolve(),
      () => rollout(2),
    );
    flusher.start();
    await expect(flusher.writeNow("ns/web")).rejects.toBeInstanceOf(ApiException);
    failing = false;
    await vi.advanceTimersByTimeAsync(5000);
    expect(patches).toHaveLength(2);
    flusher.stop();
    const follower = setup(() => false).flusher;
    await expect(follower.writeNow("ns/web")).rejects.toThrow("not the leader");
    // A CR already gone (404) rejects too: no device is written for it.
    const gone = setup(
      () => true,
      () => Promise.reject(new ApiException(404, "not found", {}, {})),
    ).flusher;
    await expect(gone.writeNow("ns/web")).rejects.toMatchObject({ code: 404 });
  });
});

import { agentStatusSchema, type AgentStatus } from "@fleet/contracts";
import type { DeviceObject } from "@fleet/kube";
import { ApiException } from "@kubernetes/client-node";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMetrics } from "../metrics.js";
import { DeviceStatusWriter, keepForStatus } from "./device-status-writer.js";
import type { DeviceStatusPatch } from "./transitions.js";

const log = pino({ level: "silent" });

const beat = (device: string, agentVersion = "1.0.0", deployments = 0): AgentStatus =>
  agentStatusSchema.parse({
    deviceId: device,
    agentVersion,
    lastHeartbeatAt: new Date().toISOString(),
    deployments: Object.fromEntries(
      Array.from({ length: deployments }, (_, i) => [
        `${device}.default.app-${i}`,
        { phase: "Running" },
      ]),
    ),
    inventory: {
      cpuCores: 2,
      memoryBytes: 1024,
      diskBytes: 2048,
      kernel: "6.1",
      arch: "amd64",
      os: "linux",
      agentVersion,
    },
  });

const device = (name: string, status: unknown = {}): DeviceObject => ({
  metadata: { name },
  status,
});

function setup(
  options: { canWrite?: () => boolean; fail?: (name: string) => Error | undefined } = {},
) {
  const patches: { name: string; status: DeviceStatusPatch }[] = [];
  const server = new Map<string, Record<string, unknown>>();
  const metrics = createMetrics();
  const writer = new DeviceStatusWriter(
    {
      patchStatus: (name, status) => {
        patches.push({ name, status });
        const error = options.fail?.(name);
        if (error !== undefined) return Promise.reject(error);
        const merged = { ...server.get(name), ...status };
        server.set(name, merged);
        return Promise.resolve(device(name, merged));
      },
    },
    {
      windowMs: 15_000,
      patchesPerSecond: 20,
      lastSeenRefreshMs: 3_600_000,
      canWrite: options.canWrite ?? (() => true),
    },
    log,
    metrics,
  );
  const count = async (result: string): Promise<number> =>
    (await metrics.deviceStatusPatches.get()).values.find((v) => v.labels.result === result)
      ?.value ?? 0;
  return { writer, patches, count };
}

/** What the Device watch does: fills the writer's cache as keepForStatus keeps, then calls the handler. */
function listed(writer: DeviceStatusWriter, ...objects: DeviceObject[]): void {
  for (const object of objects)
    writer.devices.set(object.metadata?.name ?? "", keepForStatus(object));
  writer.deviceHandlers.listed(
    objects.map((o) => o.metadata?.name ?? ""),
    objects.map(keepForStatus),
  );
}

function changed(writer: DeviceStatusWriter, object: DeviceObject): void {
  const name = object.metadata?.name ?? "";
  writer.devices.set(name, keepForStatus(object));
  writer.deviceHandlers.changed(name, object);
}

describe("DeviceStatusWriter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse("2026-11-30T12:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("DeviceStatusWriter - a heartbeat every period costs one patch, not one per heartbeat", async () => {
    const { writer, patches, count } = setup();
    writer.start();
    listed(writer, device("a"));
    for (let i = 0; i < 60; i++) {
      writer.heartbeat("a", beat("a"), Date.now());
      await vi.advanceTimersByTimeAsync(5000);
    }
    expect(patches).toHaveLength(1);
    expect(patches[0]?.status).toMatchObject({ connectivity: "Online", agentVersion: "1.0.0" });
    expect(await count("ok")).toBe(1);
    await writer.stop();
  });

  it("DeviceStatusWriter - an agent upgrade is written once, with the new version and inventory", async () => {
    const { writer, patches } = setup();
    writer.start();
    listed(writer, device("a"));
    for (const version of ["1.0.0", "1.0.0", "2.0.0", "2.0.0", "2.0.0"]) {
      writer.heartbeat("a", beat("a", version), Date.now());
      await vi.advanceTimersByTimeAsync(5000);
    }
    expect(patches.map((p) => p.status.agentVersion)).toEqual(["1.0.0", "2.0.0"]);
    await writer.stop();
  });

  it("DeviceStatusWriter - a change in the reported deployments is written once per change, and not again after a restart", async () => {
    const { writer, patches } = setup();
    writer.start();
    listed(writer, device("a"));
    for (const deployments of [2, 2, 1, 0, 0]) {
      writer.heartbeat("a", beat("a", "1.0.0", deployments), Date.now());
      await vi.advanceTimersByTimeAsync(5000);
    }
    expect(patches.map((p) => p.status.reportedDeployments)).toEqual([2, 1, 0]);
    const written = { ...patches[0]?.status, reportedDeployments: 1 };
    await writer.stop();

    const restarted = setup();
    restarted.writer.start();
    listed(restarted.writer, device("a", written));
    restarted.writer.heartbeat("a", beat("a", "1.0.0", 1), Date.now());
    await vi.advanceTimersByTimeAsync(5000);
    expect(restarted.patches).toHaveLength(0);
    await restarted.writer.stop();
  });

  it("DeviceStatusWriter - heartbeats stopping are found by the sweep: Offline within the window", async () => {
    const { writer, patches } = setup();
    writer.start();
    listed(writer, device("a"));
    writer.heartbeat("a", beat("a"), Date.now());
    await vi.advanceTimersByTimeAsync(15_000);
    expect(patches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_100);
    expect(patches).toHaveLength(2);
    expect(patches[1]?.status).toMatchObject({ connectivity: "Offline" });
    await writer.stop();
  });

  it("DeviceStatusWriter - a device without a Device CR is never patched, until one appears", async () => {
    const { writer, patches } = setup();
    writer.start();
    listed(writer);
    writer.heartbeat("ghost", beat("ghost"), Date.now());
    await vi.advanceTimersByTimeAsync(5000);
    expect(patches).toHaveLength(0);
    changed(writer, device("ghost"));
    await vi.advanceTimersByTimeAsync(100);
    expect(patches.map((p) => p.name)).toEqual(["ghost"]);
    await writer.stop();
  });

  it("DeviceStatusWriter - a fleet coming online at once is written at the rate limit", async () => {
    const { writer, patches } = setup();
    writer.start();
    const names = Array.from({ length: 100 }, (_, i) => `d${i}`);
    listed(writer, ...names.map((n) => device(n)));
    for (const name of names) writer.heartbeat(name, beat(name), Date.now());
    await vi.advanceTimersByTimeAsync(900);
    expect(patches.length).toBeLessThanOrEqual(20);
    await vi.advanceTimersByTimeAsync(5000);
    expect(new Set(patches.map((p) => p.name)).size).toBe(100);
    expect(patches).toHaveLength(100);
    await writer.stop();
  });

  it("DeviceStatusWriter - a Device deleted meanwhile (404) is counted as gone and not retried", async () => {
    const { writer, patches, count } = setup({
      fail: () => new ApiException(404, "not found", {}, {}),
    });
    writer.start();
    listed(writer, device("a"));
    writer.heartbeat("a", beat("a"), Date.now());
    await vi.advanceTimersByTimeAsync(30_000);
    expect(patches).toHaveLength(1);
    expect(await count("gone")).toBe(1);
    await writer.stop();
  });

  it("DeviceStatusWriter - a failed patch is retried with backoff", async () => {
    let failing = true;
    const { writer, patches, count } = setup({
      fail: () => (failing ? new ApiException(503, "unavailable", {}, {}) : undefined),
    });
    writer.start();
    listed(writer, device("a"));
    writer.heartbeat("a", beat("a"), Date.now());
    await vi.advanceTimersByTimeAsync(100);
    // Full jitter may draw a first retry inside these 100 ms: one or two failures.
    expect(await count("error")).toBeGreaterThanOrEqual(1);
    failing = false;
    writer.heartbeat("a", beat("a"), Date.now());
    await vi.advanceTimersByTimeAsync(5000);
    expect(await count("ok")).toBe(1);
    expect(patches.length).toBeLessThanOrEqual(3);
    await writer.stop();
  });

  it("DeviceStatusWriter - writes nothing when not the leader", async () => {
    const { writer, patches } = setup({ canWrite: () => false });
    writer.start();
    listed(writer, device("a"));
    writer.heartbeat("a", beat("a"), Date.now());
    await vi.advanceTimersByTimeAsync(5000);
    expect(patches).toHaveLength(0);
    await writer.stop();
  });

  it("DeviceStatusWriter - a status already true on the server is not written again after a restart", async () => {
    const { writer, patches } = setup();
    writer.start();
    listed(writer, device("a"));
    writer.heartbeat("a", beat("a"), Date.now());
    await vi.advanceTimersByTimeAsync(100);
    const written = patches[0]?.status;
    await writer.stop();

    const restarted = setup();
    restarted.writer.start();
    listed(restarted.writer, device("a", written));
    restarted.writer.heartbeat("a", beat("a"), Date.now());
    await vi.advanceTimersByTimeAsync(5000);
    expect(restarted.patches).toHaveLength(0);
    await restarted.writer.stop();
  });
});

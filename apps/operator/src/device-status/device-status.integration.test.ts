// The Device status writer against the real API server and NATS: a heartbeat
// makes a Device Online with its agent version and inventory; heartbeats that
// change nothing write nothing more; heartbeats stopping turn it Offline once
// the window has passed; a device without a Device CR never gets one.
import {
  deviceManifest,
  deviceStatusSchema,
  type AgentStatusInput,
  type DeviceStatus,
} from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { waitUntil } from "@fleet/local-platform/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrd } from "../install.js";
import { Cluster, Kv, runId } from "../testing/fixtures.js";
import { startOperator, type OperatorProcess } from "../testing/operator-process.js";

const HEARTBEAT_MS = 500;
const WINDOW_MS = 2000;
const device = `dstatus-${runId}`;
const ghost = `dstatus-ghost-${runId}`;
const inventory = {
  cpuCores: 4,
  memoryBytes: 4_294_967_296,
  diskBytes: 34_359_738_368,
  kernel: "6.1.0-test",
  arch: "arm64",
  os: "linux",
  agentVersion: "9.9.9-it",
};

let cluster: Cluster;
let kv: Kv;
let devices: DeviceClient;
let operator: OperatorProcess | undefined;
let beats: NodeJS.Timeout | undefined;
let sent = 0;

const heartbeat = (deviceId: string): AgentStatusInput => ({
  deviceId,
  agentVersion: "9.9.9-it",
  lastHeartbeatAt: new Date().toISOString(),
  inventory,
});

async function statusOf(name: string): Promise<{ status: DeviceStatus; rv: string } | undefined> {
  const found = await devices.find(name);
  if (found?.status === undefined) return undefined;
  return {
    status: deviceStatusSchema.parse(found.status),
    rv: found.metadata?.resourceVersion ?? "",
  };
}

beforeAll(async () => {
  cluster = await Cluster.connect();
  kv = await Kv.connect();
  devices = DeviceClient.forKubeConfig(cluster.kc);
  await installCrd(cluster.kc, pino({ level: "silent" }), 60_000);
  await devices.create(deviceManifest({ name: device }));
  operator = await startOperator(`op-dstatus-${runId}`, [
    "--lease-name",
    `it-dstatus-${runId}`,
    "--heartbeat-period",
    `${HEARTBEAT_MS}ms`,
    "--staleness-window",
    `${WINDOW_MS}ms`,
  ]);
  await operator.waitForState("leading");
});

afterAll(async () => {
  clearInterval(beats);
  await operator?.stop();
  await kv.cleanup([]);
  await kv.close();
  await devices.deleteIfPresent(device);
});

describe("operator - Device status on transitions only", () => {
  it("device status - Online with version and inventory, nothing more while heartbeats change nothing, Offline when they stop", async () => {
    const beat = async (): Promise<void> => {
      await kv.report(heartbeat(device));
      await kv.report(heartbeat(ghost));
      sent++;
    };
    await beat();
    beats = setInterval(() => void beat(), HEARTBEAT_MS);

    await waitUntil(async () => (await statusOf(device))?.status.connectivity === "Online", {
      what: `Device ${device} Online`,
      timeoutMs: 20_000,
    });
    const online = await statusOf(device);
    // The inventory summary: the heartbeat's inventory without its version (that has its own field).
    const { agentVersion, ...summary } = inventory;
    expect(online?.status).toMatchObject({
      connectivity: "Online",
      agentVersion,
      inventory: summary,
    });
    expect(online?.status.conditions).toEqual([
      expect.objectContaining({ type: "Online", status: "True", reason: "HeartbeatFresh" }),
    ]);
    expect(online?.status.lastSeenAt).toBeDefined();
    expect(
      await operator?.metric("iot_operator_device_status_patches_total", 'result="ok"'),
    ).toBeGreaterThanOrEqual(1);

    // Ten more heartbeats, each within the window: the Device is not written again.
    const from = sent;
    await waitUntil(() => Promise.resolve(sent >= from + 10), {
      what: "ten more heartbeats",
      timeoutMs: 30_000,
    });
    expect((await statusOf(device))?.rv).toBe(online?.rv);

    // Heartbeats stop: Offline once the window has passed, last seen kept.
    clearInterval(beats);
    const lastSent = Date.now();
    await waitUntil(async () => (await statusOf(device))?.status.connectivity === "Offline", {
      what: `Device ${device} Offline after its heartbeats stopped`,
      timeoutMs: 20_000,
    });
    const offline = await statusOf(device);
    expect(offline?.status.conditions).toEqual([
      expect.objectContaining({ type: "Online", status: "False", reason: "HeartbeatStale" }),
    ]);
    // Written when the transition happened, about the last heartbeat (whole seconds).
    const seenAt = Date.parse(offline?.status.lastSeenAt ?? "");
    expect(seenAt).toBeLessThanOrEqual(lastSent);
    expect(lastSent - seenAt).toBeLessThan(WINDOW_MS + 1000);

    // The device without a CR was never given one.
    expect(await devices.find(ghost)).toBeUndefined();
  });
});

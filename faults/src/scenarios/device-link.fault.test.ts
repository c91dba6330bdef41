// A device's own uplink to NATS, through its Toxiproxy link: cut for 60 s,
// slowed by 500 ms each way, and half-open (TCP kept, no byte passing). The
// device's containers keep running throughout, its Device status says Offline
// while it is away and Online once it is back, and afterwards CRs, KV,
// containers and status agree (FaultWorld.expectConsistent).
import { setTimeout as delay } from "node:timers/promises";
import { deviceStatusSchema, type DeviceStatus } from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { waitUntil } from "@fleet/local-platform/testing";
import { containersOf } from "@fleet/operator/testing/fleet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultWorld, imageOf, measure } from "../harness/index.js";

/** How long the device is cut off (the figure). */
const CUT_MS = 60_000;
/** Added in each direction while the link is slow. */
const LATENCY_MS = 500;

let world: FaultWorld | undefined;

const started = (): FaultWorld => {
  if (world === undefined) throw new Error("the fault world did not start");
  return world;
};

beforeAll(async () => {
  world = await FaultWorld.start({
    name: "f-link",
    realAgents: 2,
    simulatedAgents: 4,
    deviceLinks: true,
  });
});

afterAll(async () => {
  await world?.stop();
});

async function connectivity(w: FaultWorld, device: string): Promise<DeviceStatus["connectivity"]> {
  const api = DeviceClient.forKubeConfig(w.cluster.kc);
  return deviceStatusSchema.safeParse((await api.get(device)).status).data?.connectivity;
}

function waitConnectivity(
  w: FaultWorld,
  device: string,
  wanted: "Online" | "Offline",
): Promise<void> {
  return waitUntil(async () => (await connectivity(w, device)) === wanted, {
    what: `Device ${device} ${wanted}`,
    timeoutMs: 90_000,
    intervalMs: 100,
  });
}

/** The ids of the device's running containers, sorted. */
async function runningContainers(w: FaultWorld, device: string): Promise<string[]> {
  return (await containersOf(w.fleet.podmanSocket, device))
    .filter((c) => c.state === "running")
    .map((c) => c.id)
    .sort();
}

/**
 * The device runs exactly one container, a new one (every upgrade recreates it) on `version`'s
 * image, and its Device says Online.
 */
async function waitRunning(
  w: FaultWorld,
  device: string,
  version: number,
  previous: readonly string[],
): Promise<void> {
  await waitUntil(
    async () => {
      const containers = await containersOf(w.fleet.podmanSocket, device);
      const running = containers.filter((c) => c.state === "running");
      const [only] = running;
      return (
        running.length === 1 &&
        only !== undefined &&
        !previous.includes(only.id) &&
        only.image === imageOf(version) &&
        (await connectivity(w, device)) === "Online"
      );
    },
    {
      what: `${device} running version ${String(version)} and Online`,
      timeoutMs: 90_000,
      intervalMs: 100,
    },
  );
}

/** Resolves with the time (epoch ms) of the first agent log line with `msg` logged after `since`. */
async function loggedAfter(
  w: FaultWorld,
  device: string,
  msg: string,
  since: number,
): Promise<number> {
  let at: number | undefined;
  await waitUntil(
    () => {
      for (const line of w.fleet.agent(device).logs()) {
        if (!line.startsWith("{")) continue;
        const entry = JSON.parse(line) as { msg?: unknown; time?: unknown };
        if (entry.msg === msg && typeof entry.time === "number" && entry.time >= since) {
          at = entry.time;
          return Promise.resolve(true);
        }
      }
      return Promise.resolve(false);
    },
    { what: `${device}'s agent logging "${msg}"`, timeoutMs: 120_000, intervalMs: 100 },
  );
  if (at === undefined) throw new Error(`no "${msg}" logged`);
  return at;
}

describe("faults - a device's link to NATS", () => {
  it("link cut for 60 s - containers keep running, Device Offline then Online, converges after", async () => {
    const w = started();
    const [device] = w.realDevices;
    if (device === undefined) throw new Error("no real device");
    await w.load.apply("web", { devices: w.devices, version: 1 });
    await w.expectConsistent();
    const before = await runningContainers(w, device);
    expect(before).toHaveLength(1);

    const cutAt = performance.now();
    await w.links.of(device).cut();
    await waitConnectivity(w, device, "Offline");
    measure("link cut -> Device Offline", cutAt);
    // Changed while the device is away: it must catch up when it returns.
    const { version } = await w.load.upgrade("web");
    // Throughout the cut the device's container keeps running, the same one.
    while (performance.now() - cutAt < CUT_MS) {
      expect(await runningContainers(w, device), "containers while cut off").toEqual(before);
      expect(await connectivity(w, device)).toBe("Offline");
      await delay(1_000);
    }
    const cr = await w.cluster.get(w.namespace, "web");
    expect(cr?.status?.aggregate?.unreported, "the cut device counted unreported").toBe(1);

    const backAt = performance.now();
    await w.links.of(device).restore();
    await waitRunning(w, device, version, before);
    measure("link back -> converged", backAt);
    await w.expectConsistent();
    measure("link back -> world consistent", backAt);
  });

  it(`latency - ${String(LATENCY_MS)} ms each way: an upgrade still converges, the Device stays Online`, async () => {
    const w = started();
    const [device] = w.realDevices;
    if (device === undefined) throw new Error("no real device");
    await w.links.of(device).slow(LATENCY_MS);
    try {
      const before = await runningContainers(w, device);
      const upgradedAt = performance.now();
      const { version } = await w.load.upgrade("web");
      await waitRunning(w, device, version, before);
      measure(`${String(LATENCY_MS)} ms each way: upgrade -> device running it`, upgradedAt);
      await w.expectConsistent();
      measure(`${String(LATENCY_MS)} ms each way: upgrade -> world consistent`, upgradedAt);
      expect(await connectivity(w, device)).toBe("Online");
    } finally {
      await w.links.of(device).heal();
    }
  });

  it("half-open link - no byte passes, TCP stays open: the agent notices through its pings and reconnects once it can", async () => {
    const w = started();
    const [device] = w.realDevices;
    if (device === undefined) throw new Error("no real device");
    const containers = await runningContainers(w, device);

    const blackholedAt = Date.now();
    const sinceBlackhole = performance.now();
    await w.links.of(device).blackhole();
    await waitConnectivity(w, device, "Offline");
    measure("half-open link -> Device Offline", sinceBlackhole);
    // Nothing closes the connection: only the agent's own pings can tell it is dead.
    const detectedAt = await loggedAfter(
      w,
      device,
      "disconnected from NATS; containers keep running, reconnecting",
      blackholedAt,
    );
    console.log(
      `[measure] half-open link -> agent detects it: ${String(detectedAt - blackholedAt)} ms`,
    );
    expect(await runningContainers(w, device), "containers while half-open").toEqual(containers);

    const healedAt = performance.now();
    await w.links.of(device).heal();
    await waitConnectivity(w, device, "Online");
    measure("half-open link healed -> Device Online", healedAt);
    await w.expectConsistent();
    measure("half-open link healed -> world consistent", healedAt);
    expect(await runningContainers(w, device), "containers after the half-open link").toEqual(
      containers,
    );
  });
});

// Fault: device clocks off by 10 minutes, through libfaketime under two real
// agents (child processes): one 10 minutes behind, one 10 minutes ahead. The
// platform judges a device by when its heartbeat arrives, on its own clock
// (contracts' freshness.ts), so both are Online in their Device status and
// counted in the CR's status while they beat, a heartbeat claiming the future
// is never shown later than it arrived, and the stopped one goes Offline and
// unreported on time. Before, neither agent got in at all: the IdP refused an
// assertion dated by the device's clock (issued in its future, or already
// expired); the token source now dates it by the IdP's clock (Date header).
// The operator is the fault suite's world's (leader and standby); the skewed
// devices are adopted by it, so the scenario ends with expectConsistent():
// CR, KV, containers and status agree, nothing lost or written twice.
import { existsSync } from "node:fs";
import { deploymentStatusSchema, deviceStatusSchema, type Aggregate } from "@fleet/contracts";
import { FaultWorld } from "@fleet/faults/harness";
import { DeviceClient } from "@fleet/kube";
import { waitUntil } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess } from "../testing/agent-process.js";
import { createFixture, type Fixture, type ProvisionedDevice } from "../testing/fixture.js";
import { StatusFollower } from "../testing/kv.js";

const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const SKEW_MS = 10 * 60_000;
const WAIT_MS = 45_000;

/** The environment that sets a child's wall clock `offset` off (timers keep the real monotonic clock). */
function skewedClock(offset: string): Record<string, string> {
  if (!existsSync(LIBFAKETIME))
    throw new Error(
      `${LIBFAKETIME} is missing: run \`npm run setup\` as root (it installs faketime)`,
    );
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: "1" };
}

interface SkewedDevice {
  device: ProvisionedDevice;
  status: StatusFollower;
  offsetMs: number;
  running(): boolean;
  start(): void;
  stop(): Promise<void>;
}

describe("fault - clock skew on devices", { timeout: 150_000 }, () => {
  let world: FaultWorld;
  let fx: Fixture;
  let devicesApi: DeviceClient;
  const skewed: SkewedDevice[] = [];

  async function skewedDevice(
    label: string,
    offset: string,
    offsetMs: number,
  ): Promise<SkewedDevice> {
    const device = await fx.provision(label);
    const status = await StatusFollower.start(fx.nats.status, device.device);
    const args = await fx.agentArgs(device);
    let child: ReturnType<typeof startAgentProcess> | undefined;
    let exited = true;
    const entry: SkewedDevice = {
      device,
      status,
      offsetMs,
      running: () => !exited,
      start() {
        const started = startAgentProcess(args, { env: skewedClock(offset) });
        child = started;
        exited = false;
        void started.then(() => {
          if (child === started) exited = true;
        });
      },
      async stop() {
        child?.kill("SIGTERM");
        await child;
        child = undefined;
        exited = true;
      },
    };
    skewed.push(entry);
    world.adopt(device.device, () => entry.running());
    return entry;
  }

  const connectivity = async (device: string): Promise<string | undefined> =>
    deviceStatusSchema.safeParse((await devicesApi.get(device)).status).data?.connectivity;

  async function aggregate(name: string): Promise<Aggregate | undefined> {
    const object = await world.cluster.get(world.namespace, name);
    return deploymentStatusSchema.safeParse(object?.status).data?.aggregate;
  }

  beforeAll(async () => {
    // First: it makes the buckets R3 before anything opens them. Agents beat every
    // second; a device is offline 3 s after its last heartbeat.
    world = await FaultWorld.start({
      name: "f-skew",
      realAgents: 0,
      simulatedAgents: 0,
      operatorArgs: ["--staleness-window", "3000ms"],
    });
    fx = await createFixture();
    devicesApi = DeviceClient.forKubeConfig(world.cluster.kc);
  }, 120_000);

  afterAll(async () => {
    for (const device of skewed) {
      await device.stop();
      device.status.stop();
    }
    await world.stop();
    await fx.cleanup();
  });

  it("clock skew - devices 10 minutes behind and ahead are Online and counted while they beat, and the stopped one goes Offline on time", async () => {
    const behind = await skewedDevice("behind", "-10m", -SKEW_MS);
    const ahead = await skewedDevice("ahead", "+10m", SKEW_MS);
    for (const device of [behind, ahead]) device.start();

    // The clocks really are off: each heartbeat claims a time 10 minutes away from its arrival.
    for (const { status, offsetMs, device } of [behind, ahead]) {
      const first = await status.next(() => true, {
        what: `a first heartbeat from ${device.device}`,
        timeoutMs: WAIT_MS,
      });
      const claimedOffset = Date.parse(first.status.lastHeartbeatAt) - first.receivedAt;
      expect(Math.abs(claimedOffset - offsetMs)).toBeLessThan(30_000);
    }

    const targets = [behind.device.device, ahead.device.device];
    await world.load.apply("skew", { devices: targets, version: 1 });
    await waitUntil(
      async () => {
        const a = await aggregate("skew");
        return a?.succeeded === 2 && a.unreported === 0;
      },
      { what: "both skewed devices counted as succeeded", timeoutMs: WAIT_MS },
    );
    await waitUntil(
      async () =>
        (await connectivity(targets[0] ?? "")) === "Online" &&
        (await connectivity(targets[1] ?? "")) === "Online",
      { what: "both skewed devices Online in their Device status", timeoutMs: WAIT_MS },
    );
    // A heartbeat claiming the future is shown as received, not 10 minutes ahead.
    const shown = (await aggregate("skew"))?.lastHeartbeatAt;
    expect(Date.parse(shown ?? "")).toBeLessThanOrEqual(Date.now() + 5_000);
    await world.expectConsistent();

    const stoppedAt = Date.now();
    await ahead.stop();
    await waitUntil(async () => (await connectivity(ahead.device.device)) === "Offline", {
      what: "the stopped device (clock ahead) Offline",
      timeoutMs: WAIT_MS,
    });
    const offlineAfter = Date.now() - stoppedAt;
    await waitUntil(
      async () => {
        const a = await aggregate("skew");
        return a?.unreported === 1 && a.succeeded === 1;
      },
      { what: "the stopped device unreported in the CR status", timeoutMs: WAIT_MS },
    );
    console.log(
      `[measure] device 10 min ahead stopped -> Offline in Device status (window 3 s): ${offlineAfter} ms`,
    );
    expect(await connectivity(behind.device.device)).toBe("Online");

    const restartedAt = Date.now();
    ahead.start();
    await waitUntil(async () => (await connectivity(ahead.device.device)) === "Online", {
      what: "the device (clock ahead) Online again",
      timeoutMs: WAIT_MS,
    });
    console.log(
      `[measure] device 10 min ahead restarted -> Online in Device status: ${Date.now() - restartedAt} ms`,
    );
    // Both counted again, and the world agrees: the restarted agent adopted its container.
    await world.expectConsistent();
    console.log(
      `[measure] device 10 min ahead restarted -> world consistent: ${Date.now() - restartedAt} ms`,
    );
  });
});

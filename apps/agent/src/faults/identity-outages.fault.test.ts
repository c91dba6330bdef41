// Fault: the identity side away under a connected device (ADR 0006/0007): the
// policy store (the API server holding the Device registry), the IdP, and the
// identity service iot-identity (the auth callout) itself. Throughout, the
// connected agent keeps working: what is written for it is applied. A NEW
// connection of the known device (the server cuts the agent's connection, a
// kick, and the agent connects again) still succeeds: from iot-identity's
// cached policy while the API server is away; with the token the agent holds
// and the IdP keys iot-identity fetched before while the IdP is away; through
// the other replica while one iot-identity is away. With every replica away a
// new connection waits, and it is let in once one is back (measured).
// Deployments are CRs the real operator (the fault suite's world: leader and
// standby) places; the operator needs the API server, so while it is away
// what the device is told is written straight to KV, outside the world's
// namespace. The device is adopted by the world, and each test ends with
// expectConsistent(): CRs, KV, containers and status agree, nothing lost or
// written twice, no container recreated.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { desiredStateKey } from "@fleet/contracts";
import { FaultWorld } from "@fleet/faults/harness";
import { startPlatformIdentity, type PlatformIdentity } from "@fleet/identity/testing";
import { installDeviceCrd } from "@fleet/kube/testing";
import {
  freePort,
  kubeConfigFor,
  platformConnection,
  startServer,
  stopServer,
  waitUntil,
} from "@fleet/local-platform/testing";
import { provisionTestDevice, type TestDevice } from "@fleet/provisioning/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "../agent.js";
import { PodmanClient } from "../podman/client.js";
import { startAgentInProcess } from "../testing/agent-process.js";
import {
  connectTestNats,
  nginxService,
  purgeDeviceKeys,
  putDesired,
  StatusFollower,
  type TestNats,
} from "../testing/kv.js";
import { removeDeviceContainers } from "../testing/podman.js";
import {
  connectionsNamed,
  kickConnectionsNamed,
  type ClientConnection,
} from "../testing/fault-platform.js";

const WAIT_MS = 30_000;

let world: FaultWorld;
let nats: TestNats;
let podman: PodmanClient;
let device: TestDevice;
let dataDir: string;
let agent: RunningAgent;
let status: StatusFollower;
/** The iot-identity replicas running now (the callout is a queue group: any one answers). */
const replicas = new Set<PlatformIdentity>();
let applied = 0;

const connectionName = (): string => `iot-agent-${device.deviceId}`;

/** Starts a replica; resolves once it is ready and has fetched the IdP's keys (its log says so). */
async function startReplica(): Promise<PlatformIdentity> {
  let keysFetched = (): void => undefined;
  const fetched = new Promise<void>((resolve) => {
    keysFetched = resolve;
  });
  const log = pino(
    { level: "info" },
    {
      write(line: string): void {
        if (line.includes('"msg":"IdP keys fetched"')) keysFetched();
      },
    },
  );
  const replica = await startPlatformIdentity({ log });
  replicas.add(replica);
  await fetched;
  return replica;
}

async function stopReplica(replica: PlatformIdentity): Promise<void> {
  replicas.delete(replica);
  await replica.stop();
}

/**
 * A new deployment for the device, as a CR through the operator; with the API
 * server `away`, straight into KV (as the operator would write it); then waits
 * until the agent runs it.
 */
async function appliedWhile(what: string, apiServer: "up" | "away" = "up"): Promise<void> {
  applied += 1;
  const since = status.history.length;
  const name = `outage-${String(applied)}`;
  let key: string;
  if (apiServer === "up") {
    await world.load.apply(name, { devices: [device.deviceId], version: 1 });
    key = desiredStateKey({ device: device.deviceId, namespace: world.namespace, name });
  } else
    key = await putDesired(
      nats.desired,
      { device: device.deviceId, namespace: "faults", name, generation: 1 },
      [nginxService("1.0", await freePort())],
    );
  await status.next((s) => s.deployments[key]?.phase === "Running", {
    what: `the deployment written ${what} Running`,
    timeoutMs: WAIT_MS,
    since,
  });
}

/** Waits until the connection seen before is gone from every node (kicked). */
async function gone(before: ClientConnection[]): Promise<void> {
  const [old] = before;
  await waitUntil(
    async () =>
      !(await connectionsNamed(connectionName())).some(
        (c) => c.serverId === old?.serverId && c.cid === old.cid,
      ),
    { what: "the kicked connection gone", timeoutMs: WAIT_MS, intervalMs: 50 },
  );
}

/**
 * Cuts the agent's connection server-side; resolves, with the time it took,
 * once a heartbeat arrives that only a new, admitted connection can carry.
 */
async function reconnectsAfterKick(): Promise<number> {
  const before = await connectionsNamed(connectionName());
  expect(before).toHaveLength(1);
  const kickedAt = Date.now();
  expect(await kickConnectionsNamed(connectionName())).toBe(1);
  await gone(before);
  const back = await status.next(() => true, {
    what: "a heartbeat over a new connection",
    timeoutMs: WAIT_MS,
    since: status.history.length,
  });
  return back.receivedAt - kickedAt;
}

beforeAll(async () => {
  // First: it makes the buckets R3 before anything opens them. No real agents of
  // its own: it would start an iot-identity replica this scenario cannot stop.
  world = await FaultWorld.start({ name: "f-ident", realAgents: 0, simulatedAgents: 0 });
  await installDeviceCrd(await kubeConfigFor("admin"));
  await startReplica();
  await startReplica();
  nats = await connectTestNats();
  const connection = await platformConnection();
  podman = new PodmanClient(connection.podmanSocket);
  device = await provisionTestDevice(`fault-id-${randomBytes(3).toString("hex")}`);
  dataDir = await mkdtemp(join(tmpdir(), "iot-fault-identity-"));
  status = await StatusFollower.start(nats.status, device.deviceId);
  world.adopt(device.deviceId, () => true);
  agent = await startAgentInProcess({
    credentialsFile: device.credentialsFile,
    podmanSocket: connection.podmanSocket,
    dataDir,
  });
  await appliedWhile("before any outage");
});

afterAll(async () => {
  await startServer("kube-apiserver");
  await startServer("oidc-idp");
  await agent.stop();
  status.stop();
  await world.stop();
  await removeDeviceContainers(podman, device.deviceId);
  await purgeDeviceKeys(nats, device.deviceId);
  await device.cleanup();
  for (const replica of [...replicas]) await stopReplica(replica);
  await rm(dataDir, { recursive: true, force: true });
  await nats.nc.drain();
  await podman.close();
});

describe("fault - identity outages under a connected device", { timeout: 120_000 }, () => {
  it("policy store away - the device keeps working and connects again from the cached policy", async () => {
    await stopServer("kube-apiserver");
    let backAt = 0;
    try {
      await appliedWhile("with the API server away", "away");
      const ms = await reconnectsAfterKick();
      console.log(
        `[measure] policy store away: kicked device connected again (cached policy): ${ms} ms`,
      );
      await appliedWhile("after reconnecting with the API server away", "away");
    } finally {
      await startServer("kube-apiserver");
      backAt = Date.now();
    }
    await appliedWhile("once the API server is back");
    await world.expectConsistent();
    // Includes the operators keeping, or if it was away longer than the lease retaking, their Lease.
    console.log(`[measure] API server back -> world consistent: ${Date.now() - backAt} ms`);
  });

  it("IdP away - the device keeps working and connects again with the token it holds", async () => {
    // Only a replica started before the outage that has verified no device token yet, as
    // after a rolling update: it must still know the IdP's keys.
    const before = [...replicas];
    await startReplica();
    for (const replica of before) await stopReplica(replica);
    await stopServer("oidc-idp");
    try {
      await appliedWhile("with the IdP away");
      const ms = await reconnectsAfterKick();
      console.log(
        `[measure] IdP away: kicked device connected again (held token, IdP keys fetched at start): ${ms} ms`,
      );
      await appliedWhile("after reconnecting with the IdP away");
    } finally {
      await startServer("oidc-idp");
    }
    await world.expectConsistent();
  });

  it("identity service away - one replica away changes nothing; all away: the device keeps working and is let in again once one is back", async () => {
    await startReplica();
    const [first, second] = [...replicas];
    if (first === undefined || second === undefined) throw new Error("two replicas expected");
    await stopReplica(first);
    const ms = await reconnectsAfterKick();
    console.log(`[measure] one iot-identity replica away: kicked device connected again: ${ms} ms`);
    await appliedWhile("after reconnecting through the other replica");

    await stopReplica(second);
    await appliedWhile("with every iot-identity replica away");
    const before = await connectionsNamed(connectionName());
    expect(before).toHaveLength(1);
    expect(await kickConnectionsNamed(connectionName())).toBe(1);
    await gone(before);
    const since = status.history.length;
    // Nobody answers the callout: the device waits outside, no heartbeat comes.
    await expect(
      status.next(() => true, { what: "a heartbeat", timeoutMs: 2_000, since }),
    ).rejects.toThrow(/timed out/);
    const startedAt = Date.now();
    await startReplica();
    const readyAt = Date.now();
    const back = await status.next(() => true, {
      what: "a heartbeat once iot-identity is back",
      timeoutMs: WAIT_MS,
      since,
    });
    console.log(
      `[measure] iot-identity back (ready after ${readyAt - startedAt} ms) -> kicked device connected again: ${back.receivedAt - readyAt} ms`,
    );
    await appliedWhile("after iot-identity is back");
    await world.expectConsistent();
    console.log(`[measure] iot-identity back -> world consistent: ${Date.now() - readyAt} ms`);
  });
});

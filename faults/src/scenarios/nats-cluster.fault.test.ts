// NATS faults under load, on three nodes with R3 buckets: the node leading
// desired-state killed during a burst of 30 applies and restarted, the node
// holding a device's desired-state watch killed while the device stays
// connected to another node, and desired-state's JetStream leader stepped
// down while Deployments are being upgraded. After each: CRs, KV, containers
// and status agree, no write was lost and none applied twice
// (FaultWorld.expectConsistent).
import { BUCKET_DESIRED_STATE, desiredStateKey } from "@fleet/contracts";
import { platformConnection, waitUntil } from "@fleet/local-platform/testing";
import { deploymentContainers } from "@fleet/operator/testing/fleet";
import { jetstreamManager, type ConsumerInfo } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DESIRED_STATE_STREAM,
  FaultWorld,
  killNatsNode,
  measure,
  newStreamLeader,
  replicasCurrent,
  startNatsNode,
  stepDownStreamLeader,
  streamLeader,
  type DeploymentPlan,
} from "../harness/index.js";

let world: FaultWorld | undefined;

const started = (): FaultWorld => {
  if (world === undefined) throw new Error("the fault world did not start");
  return world;
};

beforeAll(async () => {
  world = await FaultWorld.start({ name: "f-nats", realAgents: 2, simulatedAgents: 12 });
});

afterAll(async () => {
  await world?.stop();
});

/** `count` Deployments named `<prefix>-<i>`, each on three simulated devices in turn, every tenth also on a real one. */
function plans(w: FaultWorld, prefix: string, count: number): Map<string, DeploymentPlan> {
  const sims = w.simulatedDevices;
  const plans = new Map<string, DeploymentPlan>();
  for (let i = 0; i < count; i++) {
    const devices = [0, 1, 2].map((j) => sims[(i * 3 + j) % sims.length] ?? "");
    const real = w.realDevices[Math.floor(i / 10) % w.realDevices.length];
    if (i % 10 === 0 && real !== undefined) devices.push(real);
    plans.set(`${prefix}-${i}`, { devices, version: 1 });
  }
  return plans;
}

/** `device`'s desired-state watch: its bound consumer (a subscriber listens) on the device's keys. */
async function watchConsumer(
  admin: NatsConnection,
  device: string,
): Promise<ConsumerInfo | undefined> {
  const filter = `$KV.${BUCKET_DESIRED_STATE}.${device}.>`;
  const jsm = await jetstreamManager(admin);
  for await (const consumer of jsm.consumers.list(DESIRED_STATE_STREAM)) {
    const { filter_subject: one, filter_subjects: many } = consumer.config;
    const filters = many ?? (one === undefined ? [] : [one]);
    // Orphans of earlier watches (no subscriber since a reconnect) are not push-bound.
    if (consumer.push_bound && filters.includes(filter)) return consumer;
  }
  return undefined;
}

/** The node `device`'s agent is connected to: each node's /connz lists only its own clients. */
async function clientNode(device: string): Promise<string | undefined> {
  for (const node of (await platformConnection()).natsNodes) {
    const res = await fetch(`${node.monitorUrl}/connz?limit=4096`);
    const connz = (await res.json()) as { connections?: { name?: string }[] };
    if (connz.connections?.some((c) => c.name === `iot-agent-${device}`)) return node.serverName;
  }
  return undefined;
}

interface WatchPlacement {
  device: string;
  consumer: ConsumerInfo;
  /** The node holding the consumer. */
  node: string;
  /** The node the device is connected to. */
  client: string;
}

/** Where each real device's watch and connection are, once every one has both. */
async function watchPlacements(w: FaultWorld): Promise<WatchPlacement[]> {
  const placements = new Map<string, WatchPlacement>();
  await waitUntil(
    async () => {
      for (const device of w.realDevices) {
        const [consumer, client] = [await watchConsumer(w.admin, device), await clientNode(device)];
        const node = consumer?.cluster?.leader;
        if (consumer === undefined || node === undefined || client === undefined) return false;
        placements.set(device, { device, consumer, node, client });
      }
      return true;
    },
    { what: "every real device watching and connected", timeoutMs: 30_000 },
  );
  return [...placements.values()];
}

/**
 * A real device whose watch lives on another node than its connection:
 * killing that node leaves the device connected, so nothing but the watch's
 * own liveness check can notice. JetStream places each R1 watch consumer
 * itself; when every watch sits on its device's own node, the watches are
 * deleted and placed again as their agents reopen them.
 */
async function deviceWatchedFromAfar(w: FaultWorld): Promise<WatchPlacement> {
  const rounds = 5;
  for (let round = 1; round <= rounds; round++) {
    const placements = await watchPlacements(w);
    const afar = placements.find((p) => p.node !== p.client);
    if (afar !== undefined) return afar;
    console.log(
      `[faults] round ${round}: every watch on its device's own node (${placements.map((p) => `${p.device} on ${p.node}`).join(", ")}); deleting them to be placed again`,
    );
    const jsm = await jetstreamManager(w.admin);
    for (const { consumer } of placements)
      await jsm.consumers.delete(DESIRED_STATE_STREAM, consumer.name);
    for (const { device, consumer } of placements)
      await waitUntil(
        async () => {
          const current = await watchConsumer(w.admin, device);
          return current !== undefined && current.name !== consumer.name;
        },
        { what: `${device}'s watch reopened`, timeoutMs: 30_000 },
      );
  }
  throw new Error(`no device watched from another node than its own after ${rounds} rounds`);
}

describe("faults - NATS cluster", () => {
  it("node kill - the node leading desired-state killed during a burst of 30 applies, then restarted: every apply lands once", async () => {
    const w = started();
    const leader = await streamLeader(w.admin, DESIRED_STATE_STREAM);
    if (leader === undefined) throw new Error(`${DESIRED_STATE_STREAM} has no leader`);
    const burst = w.load.burst(plans(w, "burst", 30));
    // The fault lands mid-burst: once the operator has begun writing entries.
    await waitUntil(async () => (await w.kv.keys(`*.${w.namespace}.*`)).length > 0, {
      what: "the first desired-state entry of the burst",
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    const killedAt = performance.now();
    await killNatsNode(leader);
    const successor = await newStreamLeader(w.admin, DESIRED_STATE_STREAM, leader);
    measure("NATS node killed -> desired-state led by another node", killedAt);
    expect(successor).not.toBe(leader);
    await burst;
    // Two nodes of three: the R3 bucket keeps serving, so the burst converges without the third.
    await w.expectConsistent();
    measure("NATS node killed mid-burst -> 30 deployments consistent on two nodes", killedAt);

    const restartedAt = performance.now();
    await startNatsNode(leader);
    await replicasCurrent(w.admin, DESIRED_STATE_STREAM);
    measure("NATS node restarted -> its desired-state replica current", restartedAt);
    await w.expectConsistent();
    measure("NATS node restarted -> world consistent", restartedAt);
  });

  it("watch node kill - the node holding a device's desired-state watch dies, the device stays connected to another: its next entry still runs promptly", async () => {
    const w = started();
    const { device, node } = await deviceWatchedFromAfar(w);
    const name = "watched";
    const key = desiredStateKey({ device, namespace: w.namespace, name });
    const killedAt = performance.now();
    await killNatsNode(node);
    await w.load.apply(name, { devices: [device], version: 1 });
    await waitUntil(async () => (await w.kv.value(key)) !== undefined, {
      what: `${key} in KV`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    measure("watch node killed -> the device's new entry in KV", killedAt);
    // nats.js notices a dead consumer after two missed 30 s heartbeats: a device waited 50-60 s.
    await waitUntil(
      async () =>
        (await deploymentContainers(w.podmanSocket, device, key)).some(
          (c) => c.state === "running",
        ),
      { what: `${key} running on ${device} after its watch's node died`, timeoutMs: 30_000 },
    );
    measure("watch node killed -> the device's new entry running", killedAt);

    await startNatsNode(node);
    await replicasCurrent(w.admin, DESIRED_STATE_STREAM);
    await w.expectConsistent();
  });

  it("leader step-down - desired-state's JetStream leader steps down while Deployments are upgraded: nothing lost or doubled", async () => {
    const w = started();
    const names = [...plans(w, "step", 6).keys()];
    await w.load.burst(plans(w, "step", 6));
    await w.expectConsistent();

    const before = w.load.accepted;
    const churn = w.load.churn(names);
    await waitUntil(async () => Promise.resolve(w.load.accepted >= before + 2), {
      what: "upgrades under way",
      timeoutMs: 30_000,
    });
    const steppedAt = performance.now();
    const previous = await stepDownStreamLeader(w.admin, DESIRED_STATE_STREAM);
    const next = await newStreamLeader(w.admin, DESIRED_STATE_STREAM, previous);
    measure("desired-state leader step-down -> new leader", steppedAt);
    expect(next).not.toBe(previous);
    // A few more upgrades on the new leader before the load stops.
    const acceptedAtStepDown = w.load.accepted;
    await waitUntil(async () => Promise.resolve(w.load.accepted >= acceptedAtStepDown + 6), {
      what: "six upgrades after the step-down",
      timeoutMs: 60_000,
    });
    const upgrades = await churn.stop();
    await w.expectConsistent();
    measure(
      `desired-state leader step-down under ${upgrades} upgrades -> world consistent`,
      steppedAt,
    );
  });
});

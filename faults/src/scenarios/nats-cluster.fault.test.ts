// NATS faults under load, on three nodes with R3 buckets: the node leading
// desired-state killed during a burst of 30 applies and restarted, and
// desired-state's JetStream leader stepped down while Deployments are being
// upgraded. After each: CRs, KV, containers and status agree, no write was
// lost and none applied twice (FaultWorld.expectConsistent).
import { waitUntil } from "@fleet/local-platform/testing";
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

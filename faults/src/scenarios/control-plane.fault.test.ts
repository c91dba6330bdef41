// Control-plane faults during a staged rollout (spec.rollout in batches) on
// real and simulated agents: etcd and kube-apiserver restarted, and the
// operator's leader SIGKILLed so that its standby must finish the rollout.
// After each: the rollout Completed, and CRs, KV, containers and status agree
// with no write lost or applied twice (FaultWorld.expectConsistent).
import type { RolloutSpecInput, RolloutStatus } from "@fleet/contracts";
import { startServer, stopServer } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultWorld, measure, type DeploymentPlan } from "../harness/index.js";

let world: FaultWorld | undefined;

const started = (): FaultWorld => {
  if (world === undefined) throw new Error("the fault world did not start");
  return world;
};

beforeAll(async () => {
  world = await FaultWorld.start({ name: "f-ctl", realAgents: 3, simulatedAgents: 9 });
});

afterAll(async () => {
  await world?.stop();
});

/** Four batches of three on twelve devices, two seconds apart: long enough for a fault to land mid-way. */
const ROLLOUT: RolloutSpecInput = {
  batches: [{ count: 3 }, { count: 3 }, { count: 3 }],
  pauseBetweenBatches: "2s",
};

const inBatch2 = (revision: number) => (r: RolloutStatus) =>
  r.revision === revision && r.phase === "Progressing" && r.currentBatch >= 2;
const completed = (revision: number) => (r: RolloutStatus) =>
  r.phase === "Completed" && r.stableRevision === revision && r.revision === revision;

/** Deploys version 1 on every device and waits until it is everywhere; then starts the rollout of version 2. */
async function rolloutUnderWay(w: FaultWorld, name: string): Promise<void> {
  const plan: DeploymentPlan = { devices: w.devices, version: 1, rollout: ROLLOUT };
  await w.load.apply(name, plan);
  await w.waitForRollout(name, completed(1), "revision 1 Completed");
  await w.expectConsistent();
  await w.load.upgrade(name);
  await w.waitForRollout(name, inBatch2(2), "revision 2 rolling out, batch 2 under way");
}

describe("faults - control plane during a rollout", () => {
  it("etcd and kube-apiserver restarted during a rollout: it completes, and a write made during the outage is kept", async () => {
    const w = started();
    await rolloutUnderWay(w, "ro-api");
    const downAt = performance.now();
    await stopServer("etcd");
    // A deployer applies while the API server has no etcd: retried until accepted.
    const applied = w.load.apply("during-outage", {
      devices: w.simulatedDevices.slice(0, 3),
      version: 1,
    });
    await startServer("etcd");
    measure("etcd restarted (down and back)", downAt);
    const apiAt = performance.now();
    await stopServer("kube-apiserver");
    await startServer("kube-apiserver");
    measure("kube-apiserver restarted (down and back)", apiAt);
    await applied;
    measure("apply made while etcd was down -> accepted", downAt);
    await w.waitForRollout("ro-api", completed(2), "revision 2 Completed after the restarts");
    measure("etcd + kube-apiserver restarted mid-rollout -> rollout Completed", downAt);
    await w.expectConsistent();
    measure("etcd + kube-apiserver restarted mid-rollout -> world consistent", downAt);
  });

  it("operator leader SIGKILLed during a rollout: the standby takes over and finishes it", async () => {
    const w = started();
    await rolloutUnderWay(w, "ro-kill");
    const standby = await w.operators.standby();
    const { killed, killedAt } = await w.operators.killLeader();
    const leader = await w.operators.newLeader(killed);
    measure("operator leader SIGKILLed -> standby leading (lease 6s)", killedAt);
    expect(leader.name).toBe(standby.name);
    await w.waitForRollout("ro-kill", completed(2), "revision 2 Completed by the former standby");
    measure("operator leader SIGKILLed mid-rollout -> rollout Completed", killedAt);
    await w.expectConsistent();
    measure("operator leader SIGKILLed mid-rollout -> world consistent", killedAt);
    expect(killed.exited()).toBe(true);
    await w.operators.restartKilled();
  });
});

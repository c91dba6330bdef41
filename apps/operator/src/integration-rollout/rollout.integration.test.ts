// Staged rollouts end to end (issue 16): the real operator against the real
// kube-apiserver and nats-server, and seven real agents (child processes, each
// a provisioned device with its own identity) running nginx in podman. Every
// Deployment starts on revision 1 everywhere (its first revision goes out at
// once); a spec change then makes revision 2, rolled out in batches of 2, 3
// and the remaining 2. The timeline (desired-state writes and heartbeats, in
// arrival order) tells which devices formed each batch and what each held when.
import {
  approveBatchPatch,
  REASON_ROLLOUT_FAILED,
  type RolloutSpecInput,
  type RolloutStatus,
} from "@fleet/contracts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { batchCounts, batchesOf, handovers } from "./testing/batches.js";
import {
  IMAGE_NEW,
  IMAGE_OLD,
  IMAGE_UNPULLABLE,
  RolloutHarness,
  WAIT_MS,
  webScore,
  type TestDeployment,
} from "./testing/rollout-harness.js";

const FLEET_SIZE = 7;
/** Batches of 2 and 3; the 2 devices left over form the third. */
const SIZES = [2, 3, 2];
const ROLLOUT: RolloutSpecInput = {
  batches: [{ count: 2 }, { count: 3 }],
  batchTimeout: "20s",
};

let h: RolloutHarness;
let current: TestDeployment | undefined;

beforeAll(async () => {
  h = await RolloutHarness.start(FLEET_SIZE);
}, 180_000);

afterEach(async () => {
  // Agents a test stopped come back, and its Deployment goes: the next test starts clean.
  for (const device of h.devices) h.fleet.agent(device).start();
  if (current !== undefined) await h.remove(current);
  current = undefined;
});

afterAll(async () => {
  await h.stop();
});

const sum = (rollout: RolloutStatus, field: "updated" | "failed" | "deferred"): number =>
  rollout.batches.reduce((total, batch) => total + batch[field], 0);

// A rollout here takes seconds; the budget covers a slow, shared 2-core machine.
describe("staged rollouts with real agents", { timeout: 150_000 }, () => {
  it("rollout - batches advance in order: each batch runs the new revision before the next is given it", async () => {
    const deployment = (current = await h.deployStable("order", ROLLOUT));
    const { timeline } = deployment;

    await h.patchSpec(deployment.name, { score: webScore(IMAGE_NEW) });
    const done = await h.waitForRollout(
      deployment.name,
      (r) => r.revision === 2 && r.phase === "Completed",
      "revision 2 Completed",
    );
    expect(done).toMatchObject({ revision: 2, stableRevision: 2, totalBatches: 3 });
    expect(batchCounts(done.batches)).toEqual([
      ["Succeeded", 2, 2, 0, 0],
      ["Succeeded", 3, 3, 0, 0],
      ["Succeeded", 2, 2, 0, 0],
    ]);
    await timeline.until(
      () => h.devices.every((d) => timeline.runs(d, 2)),
      "every device running revision 2",
      WAIT_MS,
    );

    const batches = batchesOf(timeline, 2, SIZES);
    expect(batches.flat().sort()).toEqual([...h.devices].sort());
    for (const { lastRunning, firstGiven } of handovers(timeline, 2, batches)) {
      expect(lastRunning).toBeGreaterThanOrEqual(0);
      expect(firstGiven).toBeGreaterThan(lastRunning);
    }
    // Straight from the old revision to the new one, never back and forth.
    for (const device of h.devices) expect(timeline.revisionsGiven(device)).toEqual([1, 2]);
  });

  it("rollout - a bad image fails batch 1 and rolls back: the rest never get it and keep serving the old version", async () => {
    // At 50%, batch 1 (2 devices) fails once both have failed: the CR then names both.
    const deployment = (current = await h.deployStable("bad-image", {
      ...ROLLOUT,
      successThreshold: 50,
    }));
    const { timeline } = deployment;
    const before = new Map<string, string | undefined>();
    for (const device of h.devices) {
      const [container] = await h.containers(deployment, device);
      expect(container).toMatchObject({ state: "running", image: IMAGE_OLD });
      before.set(device, container?.id);
    }

    const patched = timeline.events.length;
    await h.patchSpec(deployment.name, { score: webScore(IMAGE_UNPULLABLE) });
    const rolledBack = await h.waitForRollout(
      deployment.name,
      (r) => r.revision === 2 && r.phase === "RolledBack",
      "revision 2 RolledBack",
    );
    const batch1 = timeline.firstGiven(2);
    expect(batch1).toHaveLength(2);
    expect(rolledBack).toMatchObject({
      revision: 2,
      stableRevision: 1,
      failure: { reason: "BatchFailed", batch: 1 },
    });
    expect(rolledBack.batches[0]).toMatchObject({ state: "Failed", devices: 2, failed: 2 });
    for (const later of rolledBack.batches.slice(1)) expect(later.state).toBe("Pending");
    const failed = rolledBack.failure?.devices ?? [];
    expect(failed.map((f) => f.device).sort()).toEqual([...batch1].sort());
    for (const { message } of failed) expect(message).toMatch(/pulling it failed/);

    const degraded = await h.degraded(deployment.name);
    expect(degraded).toMatchObject({ status: "True", reason: REASON_ROLLOUT_FAILED });
    // Naming the devices and their errors.
    for (const device of batch1) expect(degraded?.message).toContain(device);
    expect(degraded?.message).toMatch(/pulling it failed/);

    // Batch 1 is back on revision 1 and runs the old image again.
    await timeline.until(
      () => batch1.every((d) => timeline.runs(d, 1)),
      "batch 1 running revision 1 again",
      WAIT_MS,
    );
    for (const device of batch1) {
      expect(timeline.revisionsGiven(device)).toEqual([1, 2, 1]);
      const containers = await h.containers(deployment, device);
      expect(containers).toHaveLength(1);
      expect(containers[0]).toMatchObject({ state: "running", image: IMAGE_OLD });
    }
    // The others were never given revision 2, and their nginx is the very
    // container that ran before.
    for (const device of h.devices.filter((d) => !batch1.includes(d))) {
      expect(timeline.revisionsGiven(device)).toEqual([1]);
      // Since the spec changed, their reports never left "Running revision 1".
      const reports = timeline.events
        .slice(patched)
        .filter((e) => e.kind === "report" && e.device === device);
      expect(reports).toEqual([]);
      expect(timeline.report(device)).toMatchObject({ revision: 1, phase: "Running" });
      const containers = await h.containers(deployment, device);
      expect(containers).toEqual([
        expect.objectContaining({ id: before.get(device), state: "running", image: IMAGE_OLD }),
      ]);
    }
  });

  it("rollout - an agent stopped mid-rollout is deferred, the rollout completes without it, and it catches up when started", async () => {
    // Manual approval holds the rollout after batch 1, so the stopped device is surely in a later batch.
    const deployment = (current = await h.deployStable("offline", {
      ...ROLLOUT,
      approval: "manual",
    }));
    const { timeline } = deployment;

    await h.patchSpec(deployment.name, { score: webScore(IMAGE_NEW) });
    await h.waitForRollout(
      deployment.name,
      (r) => r.revision === 2 && r.phase === "WaitingForApproval",
      "batch 1 done, waiting for approval",
    );
    const batch1 = timeline.firstGiven(2);
    const away = h.devices.find((d) => !batch1.includes(d));
    if (away === undefined) throw new Error("every device was in batch 1");
    await h.fleet.agent(away).stop("SIGKILL");
    await h.waitForConnectivity([away], "Offline");

    await h.patch(deployment.name, approveBatchPatch(2, 3));
    const done = await h.waitForRollout(
      deployment.name,
      (r) => r.revision === 2 && r.phase === "Completed",
      "revision 2 Completed without the stopped device",
    );
    expect(done.stableRevision).toBe(2);
    expect(sum(done, "deferred")).toBe(1);
    expect(sum(done, "updated")).toBe(FLEET_SIZE - 1);
    expect(sum(done, "failed")).toBe(0);
    expect(done.batches[0]).toMatchObject({ deferred: 0 });
    expect(done.message).toContain("1 offline (deferred)");
    // It never ran revision 2 while away; its entry waits for it (written at once, it served nothing).
    expect(timeline.firstRunning(away, 2)).toBe(-1);
    expect(timeline.given(away)).toBe(2);

    h.fleet.agent(away).start();
    await timeline.until(() => timeline.runs(away, 2), `${away} running revision 2`, WAIT_MS);
    const containers = await h.containers(deployment, away);
    expect(containers).toEqual([expect.objectContaining({ state: "running", image: IMAGE_NEW })]);
    // Counts are live: the returned device now counts as updated, not deferred.
    const caughtUp = await h.waitForRollout(
      deployment.name,
      (r) => sum(r, "updated") === FLEET_SIZE,
      "the returned device counted as updated",
    );
    expect(caughtUp).toMatchObject({ revision: 2, phase: "Completed", stableRevision: 2 });
    expect(sum(caughtUp, "deferred")).toBe(0);
  });

  it("rollout - manual approval: after batch 1 it waits, and batch 2 starts only once approved", async () => {
    const deployment = (current = await h.deployStable("approval", {
      ...ROLLOUT,
      approval: "manual",
    }));
    const { timeline } = deployment;

    await h.patchSpec(deployment.name, { score: webScore(IMAGE_NEW) });
    const waiting = await h.waitForRollout(
      deployment.name,
      (r) => r.revision === 2 && r.phase === "WaitingForApproval",
      "batch 1 done, waiting for approval",
    );
    expect(waiting.batches.map((b) => b.state)).toEqual(["Succeeded", "Pending", "Pending"]);
    const batch1 = timeline.firstGiven(2);
    expect(batch1).toHaveLength(2);
    for (const device of batch1) expect(timeline.runs(device, 2)).toBe(true);

    // An approval for another revision is not one for this one.
    await h.patch(deployment.name, approveBatchPatch(1, 3));
    // Heartbeats drive evaluation: three more from every device, and still nobody else has it.
    const seen = new Map(h.devices.map((d) => [d, timeline.heartbeats(d)]));
    await timeline.until(
      () => h.devices.every((d) => timeline.heartbeats(d) >= (seen.get(d) ?? 0) + 3),
      "three more heartbeats from every device",
      WAIT_MS,
    );
    expect(timeline.firstGiven(2)).toEqual(batch1);
    expect(await h.rollout(deployment.name)).toMatchObject({
      revision: 2,
      phase: "WaitingForApproval",
    });

    await h.patch(deployment.name, approveBatchPatch(2, 2));
    const second = await h.waitForRollout(
      deployment.name,
      (r) =>
        r.revision === 2 && r.phase === "WaitingForApproval" && r.batches[1]?.state === "Succeeded",
      "batch 2 done, waiting for approval of batch 3",
    );
    expect(second.batches.map((b) => b.state)).toEqual(["Succeeded", "Succeeded", "Pending"]);
    expect(timeline.firstGiven(2)).toHaveLength(5);
    expect(timeline.firstGiven(2).slice(0, 2)).toEqual(batch1);

    await h.patch(deployment.name, approveBatchPatch(2, 3));
    const done = await h.waitForRollout(
      deployment.name,
      (r) => r.revision === 2 && r.phase === "Completed",
      "revision 2 Completed after approving batch 3",
    );
    expect(done.stableRevision).toBe(2);
    await timeline.until(
      () => h.devices.every((d) => timeline.runs(d, 2)),
      "every device running revision 2",
      WAIT_MS,
    );
  });

  it("rollout - a CR edited mid-rollout starts revision 3 from batch 1; nothing keeps the abandoned revision 2", async () => {
    const deployment = (current = await h.deployStable("edit", { ...ROLLOUT, approval: "manual" }));
    const { timeline } = deployment;

    await h.patchSpec(deployment.name, { score: webScore(IMAGE_NEW) });
    await h.waitForRollout(
      deployment.name,
      (r) => r.revision === 2 && r.phase === "WaitingForApproval",
      "revision 2's batch 1 done, held for approval",
    );
    const batch1Of2 = timeline.firstGiven(2);
    expect(batch1Of2).toHaveLength(2);
    const edited = timeline.events.length;

    // A new score (and approval auto, so revision 3 runs through on its own).
    await h.patchSpec(deployment.name, {
      score: webScore(IMAGE_NEW, { FLEET_ROLLOUT_TEST: "revision-3" }),
      rollout: { ...ROLLOUT, approval: "auto" },
    });
    const done = await h.waitForRollout(
      deployment.name,
      (r) => r.revision === 3 && r.phase === "Completed",
      "revision 3 Completed",
    );
    expect(done).toMatchObject({ revision: 3, stableRevision: 3, totalBatches: 3 });
    expect(batchCounts(done.batches)).toEqual([
      ["Succeeded", 2, 2, 0, 0],
      ["Succeeded", 3, 3, 0, 0],
      ["Succeeded", 2, 2, 0, 0],
    ]);
    await timeline.until(
      () => h.devices.every((d) => timeline.runs(d, 3) && timeline.given(d) === 3),
      "every device given and running revision 3",
      WAIT_MS,
    );

    // Revision 3 went batch by batch from batch 1, like any rollout.
    const batches = batchesOf(timeline, 3, SIZES);
    for (const { lastRunning, firstGiven } of handovers(timeline, 3, batches)) {
      expect(lastRunning).toBeGreaterThanOrEqual(0);
      expect(firstGiven).toBeGreaterThan(lastRunning);
    }
    // Nobody was given revision 2 after the edit. Revision 2's batch 1 went
    // back to revision 1 unless revision 3's batch 1 took it straight to 3.
    expect(
      timeline.events.slice(edited).filter((e) => e.kind === "given" && e.revision === 2),
    ).toEqual([]);
    const [batch1Of3 = []] = batches;
    for (const device of h.devices) {
      const expected = !batch1Of2.includes(device)
        ? [1, 3]
        : batch1Of3.includes(device)
          ? [1, 2, 3]
          : [1, 2, 1, 3];
      expect(timeline.revisionsGiven(device), device).toEqual(expected);
    }
    for (const device of h.devices) {
      const containers = await h.containers(deployment, device);
      expect(containers).toEqual([expect.objectContaining({ state: "running", image: IMAGE_NEW })]);
    }
  });
});

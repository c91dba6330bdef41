import { freePort, nginxImageRef, waitUntil } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "@fleet/contracts";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { nginxService, putDesired, type StatusFollower } from "../testing/kv.js";
import { keyContainers, servedTag } from "../testing/podman.js";

describe("agent - deployment lifecycle", () => {
  let fx: Fixture;
  let status: StatusFollower;
  let device: string;

  beforeAll(async () => {
    fx = await createFixture();
    ({ device, status } = await fx.startDevice("life"));
  });

  afterAll(async () => {
    await fx.cleanup();
  });

  it("lifecycle - creates, upgrades (new container id, new image answers) and deletes; the heartbeat names each revision", async () => {
    const port = await freePort();
    const target = { device, namespace: "demo", name: "web", generation: 1, revision: 1 };
    const service = (tag: "1.0" | "1.1") => nginxService(tag, port);

    const createdAt = Date.now();
    const key = await putDesired(fx.nats.desired, target, [service("1.0")]);
    const created = await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running after create",
      timeoutMs: 30_000,
    });
    expect(created.status.deployments[key]?.revision).toBe(1);
    console.log(`[measure] KV put -> Running in AgentStatus: ${Date.now() - createdAt} ms`);
    const [first] = await keyContainers(fx.podman, device, key);
    expect(first?.state).toBe("running");
    expect(first?.labels[LABELS.device]).toBe(device);
    expect(first?.labels[LABELS.managedBy]).toBe("iot-agent");
    await waitUntil(async () => (await servedTag(port)) === "1.0", {
      what: "nginx 1.0 answering",
      timeoutMs: 15_000,
    });

    const upgradeAt = Date.now();
    const since = status.history.length;
    await putDesired(fx.nats.desired, { ...target, generation: 2, revision: 2 }, [service("1.1")]);
    await waitUntil(
      async () => {
        const [c] = await keyContainers(fx.podman, device, key);
        return c !== undefined && c.id !== first?.id && c.state === "running";
      },
      { what: "a new container for the upgrade", timeoutMs: 30_000 },
    );
    await status.next(
      (s) => s.deployments[key]?.phase === "Running" && s.deployments[key].revision === 2,
      { what: "Running of revision 2 after upgrade", timeoutMs: 30_000, since },
    );
    // Every report of the upgrade is about revision 1 (before the agent saw it) or 2.
    const upgradeReports = status.history
      .slice(since)
      .map(({ status: heartbeat }) => heartbeat.deployments[key]);
    for (const report of upgradeReports) {
      const expected = report?.phase === "Running" ? [1, 2] : [2];
      expect(expected).toContain(report?.revision);
    }
    await waitUntil(async () => (await servedTag(port)) === "1.1", {
      what: "nginx 1.1 answering",
      timeoutMs: 15_000,
    });
    console.log(`[measure] upgrade put -> 1.1 answering: ${Date.now() - upgradeAt} ms`);
    const afterUpgrade = await keyContainers(fx.podman, device, key);
    expect(afterUpgrade).toHaveLength(1);
    expect(afterUpgrade[0]?.id).not.toBe(first?.id);
    expect(afterUpgrade[0]?.image).toBe(nginxImageRef("1.1"));

    const beforeDelete = status.history.length;
    await fx.nats.desired.delete(key);
    await waitUntil(async () => (await keyContainers(fx.podman, device, key)).length === 0, {
      what: "containers removed after delete",
      timeoutMs: 30_000,
    });
    const gone = await status.next((s) => !(key in s.deployments), {
      what: "deployment dropped from status",
      timeoutMs: 15_000,
      since: beforeDelete,
    });
    expect(
      gone.status.recentEvents.some((e) => e.deployment === key && e.message.includes("deleted")),
    ).toBe(true);
    // The ends of containers the agent removed itself (upgrade, delete) were no failures.
    const phases = status.history
      .slice(since, status.history.indexOf(gone) + 1)
      .map(({ status: heartbeat }) => heartbeat.deployments[key]?.phase);
    expect(phases).not.toContain("Failed");
  });

  it("lifecycle - an entry that only renumbers (revision, generation) keeps the container running and reports the new revision", async () => {
    const port = await freePort();
    const target = { device, namespace: "demo", name: "renumbered", generation: 1, revision: 1 };
    const services = [nginxService("1.0", port)];
    const key = await putDesired(fx.nats.desired, target, services);
    await status.next(
      (s) => s.deployments[key]?.phase === "Running" && s.deployments[key].revision === 1,
      { what: "Running of revision 1", timeoutMs: 30_000 },
    );
    const [before] = await keyContainers(fx.podman, device, key);
    expect(before?.state).toBe("running");

    const since = status.history.length;
    // The same score as revision 3 of generation 5 (a rollout renumbering it).
    await putDesired(fx.nats.desired, { ...target, generation: 5, revision: 3 }, services);
    const renumbered = await status.next((s) => s.deployments[key]?.revision === 3, {
      what: "revision 3 reported",
      timeoutMs: 30_000,
      since,
    });
    expect(renumbered.status.deployments[key]?.phase).toBe("Running");
    const phases = status.history
      .slice(since)
      .map(({ status: heartbeat }) => heartbeat.deployments[key]?.phase);
    expect(phases.every((phase) => phase === "Running")).toBe(true);
    const after = await keyContainers(fx.podman, device, key);
    expect(after.map((c) => [c.id, c.state])).toEqual([[before?.id, "running"]]);
    expect(
      renumbered.status.recentEvents.filter(
        (e) => e.deployment === key && e.message.includes("generation 5"),
      ),
    ).toEqual([]);
    expect(await servedTag(port)).toBe("1.0");
  });
});

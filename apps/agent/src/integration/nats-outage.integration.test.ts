import { freePort, startServer, stopServer, waitUntil } from "@fleet/local-platform/testing";
import { agentStatusKey, decodeAgentStatus } from "@fleet/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectContainer } from "../podman/containers.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { connectTestNats, nginxService, putDesired, type TestNats } from "../testing/kv.js";
import { keyContainer, keyContainers, servedTag } from "../testing/podman.js";

describe("agent - NATS outage", () => {
  let fx: Fixture;
  let probe: TestNats | undefined;

  beforeAll(async () => {
    fx = await createFixture();
  });

  afterAll(async () => {
    await startServer("nats-server");
    await probe?.nc.close();
    await fx.cleanup();
  });

  it("nats outage - containers keep running while NATS is down, and the agent converges after", async () => {
    const { device, status } = await fx.startDevice("outage");
    const port = await freePort();
    const target = { device, namespace: "demo", name: "outage", generation: 1 };
    const service = (tag: "1.0" | "1.1") => nginxService(tag, port);
    const key = await putDesired(fx.nats.desired, target, [service("1.0")]);
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running",
      timeoutMs: 30_000,
    });
    const container = await keyContainer(fx.podman, device, key);

    await stopServer("nats-server");
    // While NATS is away the workload is untouched and still serves.
    expect((await inspectContainer(fx.podman, container.id))?.State.Running).toBe(true);
    expect(await servedTag(port)).toBe("1.0");
    const beforeStart = status.history.length;
    const stoppedUntil = Date.now();
    await startServer("nats-server");
    const natsReadyAt = Date.now();

    // The same container, never restarted, across the outage.
    const after = await inspectContainer(fx.podman, container.id);
    expect(after?.State.Running).toBe(true);
    expect(after?.State.StartedAt).toBe(container.startedAt);

    // Read the key itself over a fresh connection (the test's own watch and connection
    // need their own time to recover) and time the agent by its heartbeat's timestamp.
    probe = await connectTestNats();
    const fresh = probe;
    let firstBack = 0;
    await waitUntil(
      async () => {
        const entry = await fresh.status.get(agentStatusKey(device));
        firstBack = entry === null ? 0 : Date.parse(decodeAgentStatus(entry.value).lastHeartbeatAt);
        return firstBack > stoppedUntil;
      },
      { what: "a heartbeat after NATS returned", timeoutMs: 30_000, intervalMs: 50 },
    );
    console.log(
      `[measure] nats-server start -> agent's first heartbeat after the outage: ${firstBack - stoppedUntil} ms (server ready after ${natsReadyAt - stoppedUntil} ms)`,
    );

    // A change made after the outage is applied: the watch was re-established.
    // (Written over the fresh connection, so the figure is not the test client's reconnect.)
    const changedAt = Date.now();
    await putDesired(fresh.desired, { ...target, generation: 2 }, [service("1.1")]);
    await waitUntil(async () => (await servedTag(port)) === "1.1", {
      what: "1.1 answering",
      timeoutMs: 30_000,
    });
    console.log(`[measure] put after NATS restart -> 1.1 answering: ${Date.now() - changedAt} ms`);
    const upgraded = await keyContainers(fx.podman, device, key);
    expect(upgraded).toHaveLength(1);
    expect(upgraded[0]?.id).not.toBe(container.id);
    await status.next(
      (s) =>
        s.deployments[key]?.phase === "Running" &&
        s.recentEvents.some((e) => e.message.startsWith("upgraded to generation 2")),
      {
        what: "Running generation 2 reported",
        timeoutMs: 30_000,
        since: beforeStart,
      },
    );
  });
});

import {
  NGINX_CONTAINER_PORT,
  freePort,
  nginxImageRef,
  startServer,
  stopServer,
  waitUntil,
} from "@fleet/local-platform/testing";
import { agentStatusKey, decodeAgentStatus } from "@fleet/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "../agent.js";
import { inspectContainer } from "../podman/containers.js";
import { startAgentInProcess } from "../testing/agent-process.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { StatusFollower, putDesired } from "../testing/kv.js";
import { keyContainers, servedTag } from "../testing/podman.js";

describe("agent - NATS outage", () => {
  let fx: Fixture;
  let agent: RunningAgent | undefined;
  let status: StatusFollower;

  beforeAll(async () => {
    fx = await createFixture();
  });

  afterAll(async () => {
    await startServer("nats-server");
    await agent?.stop();
    status.stop();
    await fx.cleanup();
  });

  it("nats outage - containers keep running while NATS is down, and the agent converges after", async () => {
    const device = fx.device("outage");
    status = await StatusFollower.start(fx.nats.status, device);
    agent = await startAgentInProcess({
      device,
      natsUrl: fx.natsUrl,
      podmanSocket: fx.podmanSocket,
      dataDir: await fx.dataDir(),
    });
    const port = await freePort();
    const target = { device, namespace: "demo", name: "outage", generation: 1 };
    const service = (tag: "1.0" | "1.1") => ({
      name: "nginx",
      image: nginxImageRef(tag),
      ports: [{ hostPort: port, containerPort: NGINX_CONTAINER_PORT, protocol: "TCP" as const }],
    });
    const key = await putDesired(fx.nats.desired, target, [service("1.0")]);
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running",
      timeoutMs: 30_000,
    });
    const [container] = await keyContainers(fx.podman, device, key);
    if (container === undefined) throw new Error("no container");
    const startedAt = (await inspectContainer(fx.podman, container.id))?.State.StartedAt;

    await stopServer("nats-server");
    // While NATS is away the workload is untouched and still serves.
    expect((await inspectContainer(fx.podman, container.id))?.State.Running).toBe(true);
    expect(await servedTag(port)).toBe("1.0");
    const beforeStart = status.history.length;
    const natsBackAt = Date.now();
    await startServer("nats-server");

    // The same container, never restarted, across the outage.
    const after = await inspectContainer(fx.podman, container.id);
    expect(after?.State.Running).toBe(true);
    expect(after?.State.StartedAt).toBe(startedAt);

    // Read the key itself: the test's own watch needs its own time to recover.
    await waitUntil(
      async () => {
        const entry = await fx.nats.status.get(agentStatusKey(device));
        return (
          entry !== null && Date.parse(decodeAgentStatus(entry.value).lastHeartbeatAt) > natsBackAt
        );
      },
      { what: "a heartbeat after NATS returned", timeoutMs: 30_000, intervalMs: 50 },
    );
    console.log(
      `[measure] NATS start -> first heartbeat in KV: ${Date.now() - natsBackAt} ms (includes nats-server start)`,
    );

    // A change made after the outage is applied: the watch was re-established.
    const changedAt = Date.now();
    await waitUntil(
      async () => {
        await putDesired(fx.nats.desired, { ...target, generation: 2 }, [service("1.1")]);
        return true;
      },
      { what: "desired-state put after the restart", timeoutMs: 30_000 },
    );
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

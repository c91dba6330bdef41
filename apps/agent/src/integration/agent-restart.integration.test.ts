import { NGINX_CONTAINER_PORT, freePort, nginxImageRef } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultPromise } from "execa";
import { startAgentProcess, type AgentArgs } from "../testing/agent-process.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { StatusFollower, putDesired } from "../testing/kv.js";
import { keyContainers } from "../testing/podman.js";

describe("agent - process restarts", () => {
  let fx: Fixture;
  let status: StatusFollower;
  let args: AgentArgs;
  let device: string;
  let child: ResultPromise | undefined;
  let key: string;

  beforeAll(async () => {
    fx = await createFixture();
    const provisioned = await fx.provision("restart");
    device = provisioned.device;
    args = await fx.agentArgs(provisioned);
    status = await StatusFollower.start(fx.nats.status, device);
    const [web, api] = [await freePort(), await freePort()];
    key = await putDesired(
      fx.nats.desired,
      { device, namespace: "demo", name: "restart", generation: 1 },
      [
        {
          name: "web",
          image: nginxImageRef("1.0"),
          ports: [{ hostPort: web, containerPort: NGINX_CONTAINER_PORT, protocol: "TCP" }],
        },
        {
          name: "api",
          image: nginxImageRef("1.1"),
          ports: [{ hostPort: api, containerPort: NGINX_CONTAINER_PORT, protocol: "TCP" }],
        },
      ],
    );
  });

  afterAll(async () => {
    child?.kill("SIGKILL");
    await child;
    status.stop();
    await fx.cleanup();
  });

  it("agent restart - after SIGKILL the new agent adopts the containers (same ids) and resumes status", async () => {
    child = startAgentProcess(args);
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running",
      timeoutMs: 60_000,
    });
    const ids = (await keyContainers(fx.podman, device, key)).map((c) => c.id).sort();
    expect(ids).toHaveLength(2);

    child.kill("SIGKILL");
    const killed = await child;
    expect(killed.signal).toBe("SIGKILL");
    const since = status.history.length;
    const restartedAt = Date.now();
    child = startAgentProcess(args);

    const resumed = await status.next(
      (s) =>
        s.deployments[key]?.phase === "Running" && Date.parse(s.lastHeartbeatAt) >= restartedAt,
      { what: "Running from the restarted agent", timeoutMs: 60_000, since },
    );
    console.log(
      `[measure] agent restart -> Running heartbeat: ${resumed.receivedAt - restartedAt} ms`,
    );
    expect((await keyContainers(fx.podman, device, key)).map((c) => c.id).sort()).toEqual(ids);
    // The event ring survived on disk: both starts are in it, and only one deploy.
    const events = resumed.status.recentEvents.map((e) => e.message);
    expect(events.filter((m) => m.startsWith("agent ") && m.endsWith(" started"))).toHaveLength(2);
    expect(events.filter((m) => m.startsWith("deployed generation 1"))).toHaveLength(1);
  });

  it("agent restart - SIGTERM publishes a last status and leaves the containers running", async () => {
    const before = await keyContainers(fx.podman, device, key);
    const since = status.history.length;
    child?.kill("SIGTERM");
    const result = await child;
    expect(result?.exitCode).toBe(0);
    const last = await status.next(
      (s) => s.recentEvents.at(-1)?.message.includes("stopped; containers left running") === true,
      {
        what: "a last status saying the agent stopped",
        timeoutMs: 15_000,
        since,
      },
    );
    expect(last.status.deployments[key]?.phase).toBe("Running");
    const after = await keyContainers(fx.podman, device, key);
    expect(after.map((c) => [c.id, c.state])).toEqual(before.map((c) => [c.id, "running"]));
    child = undefined;
  });
});

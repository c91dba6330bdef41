import {
  NGINX_CONTAINER_PORT,
  freePort,
  nginxImageRef,
  waitUntil,
} from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "../agent.js";
import {
  createContainer,
  inspectContainer,
  removeContainer,
  startContainer,
} from "../podman/containers.js";
import { LABELS, MANAGED_BY } from "@fleet/contracts";
import { startAgentInProcess } from "../testing/agent-process.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { StatusFollower, putDesired } from "../testing/kv.js";
import { keyContainers } from "../testing/podman.js";

describe("agent - isolation between devices", () => {
  let fx: Fixture;
  const agents: RunningAgent[] = [];
  const followers: StatusFollower[] = [];
  const foreign: string[] = [];

  beforeAll(async () => {
    fx = await createFixture();
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    for (const follower of followers) follower.stop();
    for (const id of foreign) await removeContainer(fx.podman, id);
    await fx.cleanup();
  });

  it("isolation - two agents on one host never touch each other's (or anyone's) containers", async () => {
    const [deviceA, deviceB] = [await fx.provision("iso-a"), await fx.provision("iso-b")];
    const [a, b] = [deviceA.device, deviceB.device];
    const ghost = fx.device("iso-ghost");
    // Look-alikes: labelled for a third device with no agent, and not labelled at all.
    const lookAlike = await createContainer(fx.podman, {
      name: `fleet_${ghost}_demo_web_nginx`,
      image: nginxImageRef("1.0"),
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.device]: ghost,
        [LABELS.deploymentKey]: `${ghost}.demo.web`,
      },
      portmappings: [],
      restart_policy: "no",
    });
    const unlabelled = await createContainer(fx.podman, {
      name: `hand-made-${ghost}`,
      image: nginxImageRef("1.0"),
      labels: {},
      portmappings: [],
      restart_policy: "no",
    });
    foreign.push(lookAlike, unlabelled);
    await startContainer(fx.podman, lookAlike);

    for (const provisioned of [deviceA, deviceB]) {
      const follower = await StatusFollower.start(fx.nats.status, provisioned.device);
      followers.push(follower);
      agents.push(await startAgentInProcess(await fx.agentArgs(provisioned, { resyncSeconds: 1 })));
    }
    const [statusA, statusB] = followers as [StatusFollower, StatusFollower];
    const keys: string[] = [];
    for (const device of [a, b]) {
      const port = await freePort();
      keys.push(
        await putDesired(
          fx.nats.desired,
          { device, namespace: "demo", name: "web", generation: 1 },
          [
            {
              name: "nginx",
              image: nginxImageRef("1.0"),
              ports: [{ hostPort: port, containerPort: NGINX_CONTAINER_PORT, protocol: "TCP" }],
            },
          ],
        ),
      );
    }
    const [keyA, keyB] = keys as [string, string];
    await statusA.next((s) => s.deployments[keyA]?.phase === "Running", {
      what: "A Running",
      timeoutMs: 30_000,
    });
    await statusB.next((s) => s.deployments[keyB]?.phase === "Running", {
      what: "B Running",
      timeoutMs: 30_000,
    });
    expect(Object.keys(statusA.latest?.deployments ?? {})).toEqual([keyA]);
    const [containerB] = await keyContainers(fx.podman, b, keyB);

    await fx.nats.desired.delete(keyA);
    await waitUntil(async () => (await keyContainers(fx.podman, a, keyA)).length === 0, {
      what: "A's container removed",
      timeoutMs: 30_000,
    });
    // Let both agents run a few more resyncs (1 s) over the shared podman.
    const since = statusB.history.length;
    await statusB.next(() => true, { what: "B heartbeat", timeoutMs: 15_000, since: since + 2 });

    const [stillB] = await keyContainers(fx.podman, b, keyB);
    expect(stillB?.id).toBe(containerB?.id);
    expect(stillB?.state).toBe("running");
    expect((await inspectContainer(fx.podman, lookAlike))?.State.Running).toBe(true);
    expect((await inspectContainer(fx.podman, unlabelled))?.State.Status).toBe("created");
    expect(statusB.latest?.deployments[keyB]?.phase).toBe("Running");
  });
});

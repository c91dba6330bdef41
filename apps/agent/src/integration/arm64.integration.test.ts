// The agent as it runs on a Raspberry Pi: the single-file bundle on the arm64
// build of Node (under qemu-user on an x86_64 machine), against the local
// platform's NATS and the host's podman. What this proves and what it cannot
// (arm64 images, podman on arm64) is in docs/agent.md "What is proven on arm64".
import { LABELS } from "@fleet/contracts";
import { freePort, nginxImageRef, waitUntil } from "@fleet/local-platform/testing";
import type { ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentArgs } from "../testing/agent-process.js";
import {
  arm64NodeCommand,
  ensureAgentBundle,
  startArm64Agent,
  type Arm64NodeCommand,
} from "../testing/arm64.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { nginxService, putDesired, StatusFollower } from "../testing/kv.js";
import { keyContainers, servedTag } from "../testing/podman.js";

// Everything is slower under emulation: start-up alone takes 3 s on an idle
// machine and over 15 s on a busy one.
const EMULATED_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 2 * EMULATED_TIMEOUT_MS;

describe("agent on arm64 - the bundle on arm64 Node", { timeout: TEST_TIMEOUT_MS }, () => {
  let fx: Fixture;
  let status: StatusFollower;
  let args: AgentArgs;
  let device: string;
  let child: ResultPromise | undefined;
  let node: Arm64NodeCommand;
  let port: number;
  const target = { namespace: "demo", name: "arm64-web" };
  let key: string;

  beforeAll(async () => {
    await ensureAgentBundle();
    node = await arm64NodeCommand();
    fx = await createFixture();
    const provisioned = await fx.provision("arm64");
    device = provisioned.device;
    args = await fx.agentArgs(provisioned);
    status = await StatusFollower.start(fx.nats.status, device);
    port = await freePort();
  });

  afterAll(async () => {
    child?.kill("SIGKILL");
    await child;
    status.stop();
    await fx.cleanup();
  });

  it("arm64 - the agent starts and its heartbeat's inventory says arm64", async () => {
    const startedAt = Date.now();
    child = startArm64Agent(node, args);
    const first = await status.next((s) => s.inventory !== undefined, {
      what: "a first heartbeat with an inventory",
      timeoutMs: EMULATED_TIMEOUT_MS,
    });
    console.log(
      `[measure] arm64 agent start -> first heartbeat: ${first.receivedAt - startedAt} ms`,
    );
    // uname -m of an arm64 Linux (aarch64) in Kubernetes' name: the host's own agent would say amd64.
    expect(first.status.inventory?.arch).toBe("arm64");
  });

  it("arm64 - deploys nginx through the host's podman and upgrades it", async () => {
    const createdAt = Date.now();
    key = await putDesired(fx.nats.desired, { device, ...target, generation: 1, revision: 1 }, [
      nginxService("1.0", port),
    ]);
    await status.next(
      (s) => s.deployments[key]?.phase === "Running" && s.deployments[key]?.revision === 1,
      { what: "Running of revision 1", timeoutMs: EMULATED_TIMEOUT_MS },
    );
    console.log(`[measure] arm64 agent KV put -> Running: ${Date.now() - createdAt} ms`);
    const [first] = await keyContainers(fx.podman, device, key);
    expect(first?.state).toBe("running");
    expect(first?.labels[LABELS.device]).toBe(device);
    await waitUntil(async () => (await servedTag(port)) === "1.0", {
      what: "nginx 1.0 answering",
      timeoutMs: 15_000,
    });

    const upgradeAt = Date.now();
    const since = status.history.length;
    await putDesired(fx.nats.desired, { device, ...target, generation: 2, revision: 2 }, [
      nginxService("1.1", port),
    ]);
    await status.next(
      (s) => s.deployments[key]?.phase === "Running" && s.deployments[key]?.revision === 2,
      { what: "Running of revision 2", timeoutMs: EMULATED_TIMEOUT_MS, since },
    );
    await waitUntil(async () => (await servedTag(port)) === "1.1", {
      what: "nginx 1.1 answering",
      timeoutMs: 15_000,
    });
    console.log(`[measure] arm64 agent upgrade put -> 1.1 answering: ${Date.now() - upgradeAt} ms`);
    const upgraded = await keyContainers(fx.podman, device, key);
    expect(upgraded.map((c) => [c.image, c.state])).toEqual([[nginxImageRef("1.1"), "running"]]);
    expect(upgraded[0]?.id).not.toBe(first?.id);
  });

  it("arm64 - after SIGKILL the restarted agent adopts its container (same id)", async () => {
    const before = (await keyContainers(fx.podman, device, key)).map((c) => c.id);
    expect(before).toHaveLength(1);
    child?.kill("SIGKILL");
    expect((await child)?.signal).toBe("SIGKILL");

    const since = status.history.length;
    const restartedAt = Date.now();
    child = startArm64Agent(node, args);
    const resumed = await status.next(
      (s) =>
        s.deployments[key]?.phase === "Running" && Date.parse(s.lastHeartbeatAt) >= restartedAt,
      { what: "Running from the restarted agent", timeoutMs: EMULATED_TIMEOUT_MS, since },
    );
    console.log(
      `[measure] arm64 agent restart -> Running heartbeat: ${resumed.receivedAt - restartedAt} ms`,
    );
    expect((await keyContainers(fx.podman, device, key)).map((c) => c.id)).toEqual(before);
    const starts = resumed.status.recentEvents.filter(
      (e) => e.message.startsWith("agent ") && e.message.endsWith(" started"),
    );
    expect(starts).toHaveLength(2);
    expect(await servedTag(port)).toBe("1.1");
  });

  it("arm64 - deletes nginx", async () => {
    const since = status.history.length;
    await fx.nats.desired.delete(key);
    await waitUntil(async () => (await keyContainers(fx.podman, device, key)).length === 0, {
      what: "the container removed after delete",
      timeoutMs: EMULATED_TIMEOUT_MS,
    });
    await status.next((s) => !(key in s.deployments), {
      what: "the deployment dropped from status",
      timeoutMs: EMULATED_TIMEOUT_MS,
      since,
    });
  });
});

import { freePort, waitUntil } from "@fleet/local-platform/testing";
import { writeCredentialsFile } from "@fleet/provisioning";
import { platformProvisioning } from "@fleet/provisioning/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "../agent.js";
import { startAgentInProcess } from "../testing/agent-process.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { closedConnectionReasons, setTokenLifetime } from "../testing/idp.js";
import { StatusFollower, nginxService, putDesired } from "../testing/kv.js";
import { keyContainers, servedTag } from "../testing/podman.js";

/** Short enough that the test sees it expire twice, long enough to connect on a busy machine. */
const TOKEN_LIFETIME_SECONDS = 5;

/** How many of the device agent's connections nats-server closed because their credential expired. */
async function expiries(device: string): Promise<number> {
  const reasons = await closedConnectionReasons(`iot-agent-${device}`);
  return reasons.filter((reason) => /expired/i.test(reason)).length;
}

describe("agent - its own identity", () => {
  let fx: Fixture;
  const agents: RunningAgent[] = [];
  const followers: StatusFollower[] = [];

  beforeAll(async () => {
    fx = await createFixture();
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    for (const follower of followers) follower.stop();
    await fx.cleanup();
  });

  /** A provisioned device whose tokens live TOKEN_LIFETIME_SECONDS, its agent running, its status followed. */
  async function startShortLived(label: string) {
    const provisioned = await fx.provision(label);
    await setTokenLifetime(provisioned.credentials.userId, TOKEN_LIFETIME_SECONDS);
    const status = await StatusFollower.start(fx.nats.status, provisioned.device);
    followers.push(status);
    agents.push(await startAgentInProcess(await fx.agentArgs(provisioned)));
    return { ...provisioned, status };
  }

  it("identity - an agent with a device's credential file converges a deployment", async () => {
    const { device, status } = await fx.startDevice("id-converge");
    const port = await freePort();
    const key = await putDesired(
      fx.nats.desired,
      { device, namespace: "demo", name: "identity", generation: 1 },
      [nginxService("1.0", port)],
    );
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running",
      timeoutMs: 30_000,
    });
    await waitUntil(async () => (await servedTag(port)) === "1.0", {
      what: "nginx 1.0 answering",
      timeoutMs: 15_000,
    });
  });

  it("identity - a token that expires while connected is renewed; the agent reconnects and loses nothing", async () => {
    const { device, status } = await startShortLived("id-expiry");
    const port = await freePort();
    const target = { device, namespace: "demo", name: "expiry", generation: 1 };
    const key = await putDesired(fx.nats.desired, target, [nginxService("1.0", port)]);
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running before any expiry",
      timeoutMs: 30_000,
    });
    const [before] = await keyContainers(fx.podman, device, key);

    // The server ends the agent's connection when the token (and so its user JWT) expires: twice.
    await waitUntil(async () => (await expiries(device)) >= 2, {
      what: "two connections of the agent closed at their token's expiry",
      timeoutMs: 30_000,
    });
    const expiredAt = Date.now();

    // A change made after the expiries is applied: the watch resumed on a fresh token.
    const since = status.history.length;
    await putDesired(fx.nats.desired, { ...target, generation: 2 }, [nginxService("1.1", port)]);
    await waitUntil(async () => (await servedTag(port)) === "1.1", {
      what: "1.1 answering after the token expired",
      timeoutMs: 30_000,
    });
    const upgraded = await status.next(
      (s) =>
        s.deployments[key]?.phase === "Running" &&
        s.recentEvents.some((e) => e.message.startsWith("upgraded to generation 2")),
      { what: "Running generation 2 reported", timeoutMs: 30_000, since },
    );
    const [after] = await keyContainers(fx.podman, device, key);
    expect(after?.id).not.toBe(before?.id);
    // And the heartbeat goes on, from the same agent (its start is the only one in the ring).
    await status.next(
      (s) => Date.parse(s.lastHeartbeatAt) > Date.parse(upgraded.status.lastHeartbeatAt),
      {
        what: "a later heartbeat",
        timeoutMs: 15_000,
      },
    );
    const starts = status.latest?.recentEvents.filter(
      (e) => e.message.startsWith("agent ") && e.message.endsWith(" started"),
    );
    expect(starts).toHaveLength(1);
    expect(Date.parse(status.latest?.lastHeartbeatAt ?? "")).toBeGreaterThan(expiredAt);
  });

  it("identity - a rotated key installed over the credential file is used without a restart", async () => {
    const { device, credentials, credentialsFile, status } = await startShortLived("id-rotate");
    await status.next(() => true, { what: "a first heartbeat", timeoutMs: 30_000 });

    // The old key is removed at the IdP once the new file is handed over: only the new one works.
    const rotated = await (
      await platformProvisioning()
    ).rotateDeviceKey(device, {
      deliver: (credentials) =>
        writeCredentialsFile(credentialsFile, credentials, { overwrite: true }),
    });
    expect(rotated.keyId).not.toBe(credentials.keyId);
    const rotatedAt = Date.now();

    const before = await expiries(device);
    await waitUntil(async () => (await expiries(device)) >= before + 2, {
      what: "two token expiries after the rotation",
      timeoutMs: 30_000,
    });
    const port = await freePort();
    const key = await putDesired(
      fx.nats.desired,
      { device, namespace: "demo", name: "rotated", generation: 1 },
      [nginxService("1.0", port)],
    );
    const running = await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running on the rotated key",
      timeoutMs: 30_000,
    });
    expect(Date.parse(running.status.lastHeartbeatAt)).toBeGreaterThan(rotatedAt);
  });
});

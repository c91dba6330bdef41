import { freePort, waitUntil } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectContainer, killContainer, removeContainer } from "../podman/containers.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { nginxService, putDesired, type StatusFollower } from "../testing/kv.js";
import { keyContainers, servedTag } from "../testing/podman.js";

describe("agent - out-of-band changes", () => {
  let fx: Fixture;
  let status: StatusFollower;
  let device: string;
  let key: string;
  let port: number;

  beforeAll(async () => {
    fx = await createFixture();
    // A long resync period: only podman's event stream can make detection fast.
    ({ device, status } = await fx.startDevice("oob", { resyncSeconds: 600 }));
    port = await freePort();
    key = await putDesired(
      fx.nats.desired,
      { device, namespace: "demo", name: "oob", generation: 1 },
      [nginxService("1.0", port)],
    );
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running",
      timeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    await fx.cleanup();
  });

  it("out-of-band - a killed container is reported Failed with its exit reason, then restored", async () => {
    const [before] = await keyContainers(fx.podman, device, key);
    if (before === undefined) throw new Error("no container to kill");
    const since = status.history.length;
    const killedAt = Date.now();
    await killContainer(fx.podman, before.id, "SIGKILL");

    const failed = await status.next((s) => s.deployments[key]?.phase === "Failed", {
      what: "Failed after the kill",
      timeoutMs: 30_000,
      since,
    });
    console.log(
      `[measure] podman kill -> Failed in agent-status KV: ${failed.receivedAt - killedAt} ms`,
    );
    // Reported from podman's event at once, then with what supervision does about it.
    expect(failed.status.deployments[key]?.lastError).toContain(
      'service "nginx" exited with code 137 (SIGKILL)',
    );
    const supervised = await status.next(
      (s) => s.deployments[key]?.lastError?.includes("restarting in") === true,
      { what: "Failed with the restart note", timeoutMs: 30_000, since },
    );
    expect(supervised.status.deployments[key]?.lastError).toContain(
      'service "nginx" exited with code 137 (SIGKILL)',
    );
    expect(
      supervised.status.recentEvents.some(
        (e) => e.severity === "Error" && e.deployment === key && e.message.includes("137"),
      ),
    ).toBe(true);

    const restored = await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running after the restore",
      timeoutMs: 30_000,
      since: status.history.indexOf(supervised),
    });
    console.log(`[measure] podman kill -> Running again: ${restored.receivedAt - killedAt} ms`);
    expect(restored.status.deployments[key]?.lastError).toBeUndefined();
    const details = await inspectContainer(fx.podman, before.id);
    expect(details?.State.Running).toBe(true);
    await waitUntil(async () => (await servedTag(port)) === "1.0", {
      what: "nginx answering again",
      timeoutMs: 15_000,
    });
  });

  it("out-of-band - a container removed by hand is re-created", async () => {
    const [before] = await keyContainers(fx.podman, device, key);
    if (before === undefined) throw new Error("no container to remove");
    const since = status.history.length;
    const removedAt = Date.now();
    await removeContainer(fx.podman, before.id);
    await waitUntil(
      async () => {
        const [after] = await keyContainers(fx.podman, device, key);
        return after !== undefined && after.id !== before.id && after.state === "running";
      },
      { what: "a re-created container", timeoutMs: 30_000 },
    );
    console.log(`[measure] podman rm -> re-created and running: ${Date.now() - removedAt} ms`);
    await waitUntil(async () => (await servedTag(port)) === "1.0", {
      what: "nginx answering again",
      timeoutMs: 15_000,
    });
    const recreated = await status.next(
      (s) =>
        s.deployments[key]?.phase === "Running" &&
        s.recentEvents.filter(
          (e) => e.deployment === key && e.message.startsWith("deployed generation 1"),
        ).length === 2,
      { what: "Running with the re-creation recorded", timeoutMs: 15_000, since },
    );
    expect(recreated.status.deployments[key]?.lastError).toBeUndefined();
  });
});

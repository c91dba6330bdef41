// Fault: the podman service (the local platform's podman-service component)
// restarted under a running agent. Containers run on without the API service
// (conmon keeps them), so the deployment running before keeps its very
// container; one written while podman is away is applied once it is back; the
// agent reopens podman's event stream, so an out-of-band kill afterwards is
// still seen at once; the heartbeat ends up saying Running for both. The
// deployments are CRs the real operator places; the device is adopted by the
// fault suite's world, whose expectConsistent() holds CRs, KV, containers and
// status to agreement (nothing lost, nothing written twice, no container
// recreated) before the fault, after it, and at the end.
import { desiredStateKey } from "@fleet/contracts";
import { FaultWorld } from "@fleet/faults/harness";
import { freePort, startServer, stopServer, waitUntil } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectContainer, killContainer } from "../podman/containers.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { keyContainer, servedTag } from "../testing/podman.js";

const WAIT_MS = 30_000;

describe("fault - podman service restart", () => {
  let world: FaultWorld;
  let fx: Fixture;

  beforeAll(async () => {
    // First: it makes the buckets R3 before anything opens them.
    world = await FaultWorld.start({ name: "f-podman-agent", realAgents: 0, simulatedAgents: 0 });
    fx = await createFixture();
  });

  afterAll(async () => {
    await startServer("podman-service");
    await world.stop();
    await fx.cleanup();
  });

  it("podman restart - the running container is kept, what came meanwhile is applied, events are followed again", async () => {
    // A long resync: only the reopened event stream can make the kill below fast.
    const { device, status } = await fx.startDevice("podman-restart", { resyncSeconds: 600 });
    world.adopt(device, () => true);
    const desired = async (name: string): Promise<{ key: string; port: number }> => {
      const port = await freePort();
      await world.load.apply(name, { devices: [device], version: 1, hostPort: port });
      return { key: desiredStateKey({ device, namespace: world.namespace, name }), port };
    };
    const before = await desired("before");
    await status.next((s) => s.deployments[before.key]?.phase === "Running", {
      what: "the first deployment Running",
      timeoutMs: WAIT_MS,
    });
    const container = await keyContainer(fx.podman, device, before.key);
    await world.expectConsistent();

    await stopServer("podman-service");
    const sinceStop = status.history.length;
    const during = await desired("during");
    // The agent is up through it: heartbeats keep coming while podman is away.
    await status.next(() => true, {
      what: "a heartbeat with podman away",
      timeoutMs: WAIT_MS,
      since: sinceStop,
    });
    await waitUntil(async () => (await servedTag(before.port)) === "1.0", {
      what: "the first deployment serving with podman away",
      timeoutMs: WAIT_MS,
    });
    await startServer("podman-service");
    const backAt = Date.now();

    const converged = await status.next(
      (s) =>
        s.deployments[before.key]?.phase === "Running" &&
        s.deployments[during.key]?.phase === "Running",
      {
        what: "both deployments Running after podman is back",
        timeoutMs: WAIT_MS,
        since: sinceStop,
      },
    );
    console.log(
      `[measure] podman service back -> deployment written meanwhile Running: ${converged.receivedAt - backAt} ms`,
    );
    const kept = await inspectContainer(fx.podman, container.id);
    expect(kept?.State.Running).toBe(true);
    expect(kept?.State.StartedAt).toBe(container.startedAt);
    await waitUntil(async () => (await servedTag(during.port)) === "1.0", {
      what: "the deployment written meanwhile serving",
      timeoutMs: WAIT_MS,
    });
    await world.expectConsistent();
    console.log(`[measure] podman service back -> world consistent: ${Date.now() - backAt} ms`);

    // The event stream is followed again: a kill is seen at once, not at the 10-minute resync.
    const sinceKill = status.history.length;
    const killedAt = Date.now();
    await killContainer(fx.podman, container.id, "SIGKILL");
    const failed = await status.next((s) => s.deployments[before.key]?.phase === "Failed", {
      what: "Failed after the kill",
      timeoutMs: WAIT_MS,
      since: sinceKill,
    });
    console.log(
      `[measure] podman kill after the podman restart -> Failed in agent-status KV: ${failed.receivedAt - killedAt} ms`,
    );
    await status.next((s) => s.deployments[before.key]?.phase === "Running", {
      what: "Running again after the kill",
      timeoutMs: WAIT_MS,
      since: sinceKill,
    });
    // Restarted in place, not recreated: the world agrees, the same containers as before the kill.
    await world.expectConsistent();
  });
});

// Fault: the agent's data dir on a full filesystem (a 1 MiB tmpfs the test
// mounts as root and fills). The agent stays up and says so in its heartbeat
// (a Warning event: before, a failed save was only a log line), loses nothing
// it was told to run (its container keeps running; a deployment written while
// the disk is full is applied), and once space returns it says so and saves
// its whole ring again, the events of the full time included. The
// deployments are CRs the real operator places; the device is adopted by the
// fault suite's world, whose expectConsistent() ends the scenario: CRs, KV,
// containers and status agree, nothing lost or written twice, no container
// recreated across the full time.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { desiredStateKey } from "@fleet/contracts";
import { FaultWorld } from "@fleet/faults/harness";
import { waitUntil } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectContainer } from "../podman/containers.js";
import { EVENT_RING_FILE } from "../status/event-ring.js";
import { startAgentProcess } from "../testing/agent-process.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { StatusFollower } from "../testing/kv.js";
import { keyContainer } from "../testing/podman.js";
import { mountSmallFilesystem, type SmallFilesystem } from "../testing/full-disk.js";

const WAIT_MS = 30_000;
const FULL = /cannot write to the data dir/;
const WRITABLE = /is writable again/;

describe("fault - the agent's data dir on a full filesystem", () => {
  let world: FaultWorld;
  let fx: Fixture;
  let disk: SmallFilesystem | undefined;
  let agent: ReturnType<typeof startAgentProcess> | undefined;
  let status: StatusFollower | undefined;

  beforeAll(async () => {
    // First: it makes the buckets R3 before anything opens them.
    world = await FaultWorld.start({ name: "f-fullfs", realAgents: 0, simulatedAgents: 0 });
    fx = await createFixture();
  });

  afterAll(async () => {
    agent?.kill("SIGTERM");
    await agent;
    status?.stop();
    await disk?.unmount();
    await world.stop();
    await fx.cleanup();
  });

  it("full disk - the agent stays up, reports it in its heartbeat, applies what it is told, and saves again once space returns", async () => {
    disk = await mountSmallFilesystem(1024);
    const device = await fx.provision("fullfs");
    status = await StatusFollower.start(fx.nats.status, device.device);
    const running = startAgentProcess({
      ...(await fx.agentArgs(device)),
      dataDir: disk.dir,
    });
    agent = running;
    let exited = false;
    void running.then(() => {
      exited = true;
    });
    world.adopt(device.device, () => !exited);
    const desired = async (name: string): Promise<string> => {
      await world.load.apply(name, { devices: [device.device], version: 1 });
      return desiredStateKey({ device: device.device, namespace: world.namespace, name });
    };
    const runs = (key: string) => (s: { deployments: Record<string, { phase: string }> }) =>
      s.deployments[key]?.phase === "Running";

    const before = await desired("before");
    await status.next(runs(before), { what: "the first deployment Running", timeoutMs: WAIT_MS });
    const container = await keyContainer(fx.podman, device.device, before);
    await world.expectConsistent();

    const filler = await disk.fill();
    const filledAt = Date.now();
    const sinceFull = status.history.length;
    const during = await desired("during");
    const reported = await status.next(
      (s) =>
        runs(during)(s) &&
        s.recentEvents.some((e) => e.severity === "Warning" && FULL.test(e.message)),
      {
        what: "the deployment Running and the full disk reported",
        timeoutMs: WAIT_MS,
        since: sinceFull,
      },
    );
    console.log(
      `[measure] data dir full -> reported in the heartbeat: ${reported.receivedAt - filledAt} ms`,
    );
    expect(reported.status.recentEvents.filter((e) => FULL.test(e.message))).toHaveLength(1);
    // Still up: heartbeats keep coming, and the first container was never touched.
    await status.next(() => true, {
      what: "another heartbeat",
      timeoutMs: WAIT_MS,
      since: status.history.length,
    });
    expect(exited).toBe(false);
    const kept = await inspectContainer(fx.podman, container.id);
    expect(kept?.State.Running).toBe(true);
    expect(kept?.State.StartedAt).toBe(container.startedAt);

    await rm(filler);
    const freedAt = Date.now();
    const sinceFreed = status.history.length;
    const after = await desired("after");
    const recovered = await status.next(
      (s) => runs(after)(s) && s.recentEvents.some((e) => WRITABLE.test(e.message)),
      {
        what: "the next deployment Running and the disk writable again",
        timeoutMs: WAIT_MS,
        since: sinceFreed,
      },
    );
    console.log(
      `[measure] space back -> saved again and reported: ${recovered.receivedAt - freedAt} ms`,
    );
    for (const key of [before, during, after])
      expect(recovered.status.deployments[key]?.phase).toBe("Running");
    // The whole ring is on disk again: what was recorded while the disk was full too.
    const ringFile = join(disk.dir, EVENT_RING_FILE);
    let saved: { message: string; deployment?: string }[] = [];
    await waitUntil(
      async () => {
        saved = JSON.parse(await readFile(ringFile, "utf8")) as typeof saved;
        return (
          saved.some((e) => FULL.test(e.message)) && saved.some((e) => e.deployment === during)
        );
      },
      { what: "the ring saved whole", timeoutMs: WAIT_MS },
    ).catch(() => undefined);
    expect(saved.map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(FULL)]),
    );
    expect(saved.some((e) => e.deployment === during)).toBe(true);
    await world.expectConsistent();
    console.log(`[measure] space back -> world consistent: ${Date.now() - freedAt} ms`);
  });
});

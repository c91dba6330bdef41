// The consumer under the agent's desired-state watch disappears while the
// agent's connection stays up: what a device sees when the NATS node holding
// the consumer dies and it is connected to another node (the fault suite kills
// that node on three nodes: faults/src/scenarios/nats-cluster.fault.test.ts).
// Here the platform admin deletes the consumer. The watch must open a new
// one, replay without touching what runs, and get the next entry; nats.js's
// ordered consumer alone noticed only after two missed 30 s heartbeats.
import { BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { freePort, waitUntil } from "@fleet/local-platform/testing";
import { jetstreamManager, type ConsumerInfo } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESIRED_STATE_STREAM } from "../nats/desired-consumer.js";
import { inspectContainer } from "../podman/containers.js";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { nginxService, putDesired } from "../testing/kv.js";
import { keyContainer, keyContainers, servedTag } from "../testing/podman.js";

/** The device's watch consumer: push-bound (a subscriber listens) on the device's own keys. */
async function watchConsumer(
  nc: NatsConnection,
  device: string,
): Promise<ConsumerInfo | undefined> {
  const filter = `$KV.${BUCKET_DESIRED_STATE}.${device}.>`;
  const jsm = await jetstreamManager(nc);
  for await (const consumer of jsm.consumers.list(DESIRED_STATE_STREAM))
    if (consumer.push_bound && consumer.config.filter_subject === filter) return consumer;
  return undefined;
}

describe("agent - lost watch consumer", () => {
  let fx: Fixture;

  beforeAll(async () => {
    fx = await createFixture();
  });

  afterAll(async () => {
    await fx.cleanup();
  });

  it("lost watch - its consumer deleted under a live connection: the watch reopens, keeps the container, and applies the next entry", async () => {
    const { device, status } = await fx.startDevice("lostwatch");
    const port = await freePort();
    const target = { device, namespace: "demo", name: "lostwatch", generation: 1 };
    const key = await putDesired(fx.nats.desired, target, [nginxService("1.0", port)]);
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running",
      timeoutMs: 30_000,
    });
    const container = await keyContainer(fx.podman, device, key);

    const { nc } = fx.nats;
    const lost = await watchConsumer(nc, device);
    if (lost === undefined) throw new Error(`no watch consumer for ${device}`);
    const deletedAt = Date.now();
    await (await jetstreamManager(nc)).consumers.delete(DESIRED_STATE_STREAM, lost.name);
    // A bound that a watch waiting for two missed 30 s heartbeats (60-90 s) would blow.
    await waitUntil(
      async () => {
        const current = await watchConsumer(nc, device);
        return current !== undefined && current.name !== lost.name;
      },
      { what: "a new watch consumer", timeoutMs: 30_000, intervalMs: 100 },
    );
    console.log(`[measure] watch consumer deleted -> a new one: ${Date.now() - deletedAt} ms`);
    // The new watch replayed the unchanged entry: by the agent's next heartbeat it has been
    // reconciled, and the container is the same one, never restarted.
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "a heartbeat after the watch reopened",
      timeoutMs: 30_000,
      since: status.history.length,
    });
    const kept = await inspectContainer(fx.podman, container.id);
    expect(kept?.State.Running).toBe(true);
    expect(kept?.State.StartedAt).toBe(container.startedAt);

    const changedAt = Date.now();
    await putDesired(fx.nats.desired, { ...target, generation: 2 }, [nginxService("1.1", port)]);
    await waitUntil(async () => (await servedTag(port)) === "1.1", {
      what: "1.1 answering",
      timeoutMs: 20_000,
    });
    console.log(
      `[measure] put after the lost consumer -> 1.1 answering: ${Date.now() - changedAt} ms`,
    );
    const upgraded = await keyContainers(fx.podman, device, key);
    expect(upgraded).toHaveLength(1);
    expect(upgraded[0]?.id).not.toBe(container.id);
  });
});

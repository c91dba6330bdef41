// reconcile: CR created → its container running on the device (podman's own
// `start` event for the container carrying the deployment's key label, then
// confirmed with inspect State.Running). Floor, interleaved in the same loop:
// `podman run` of the same image via the API (create+start until running)
// plus one KV put→watch round trip.
import { desiredStateKey, LABELS } from "@fleet/contracts";
import { freePort, waitUntil } from "@fleet/local-platform/testing";
import { ContainerEvents } from "../container-events.js";
import type { Benchmark } from "../context.js";
import { PartError } from "../errors.js";
import { operatorWithOneDevice } from "../fleet-setup.js";
import { KvRoundTrip } from "../kv-round-trip.js";
import { latencyFigure } from "../stats.js";
import { NGINX_IMAGE, nginxSpec } from "../spec.js";

export const reconcile: Benchmark = async (ctx) => {
  const { namespace, device } = await operatorWithOneDevice(ctx, "reconcile");
  const events = await ContainerEvents.open(ctx.podman);
  ctx.defer(() => {
    events.close();
    return Promise.resolve();
  });
  const kvTrip = await KvRoundTrip.open(ctx.kv.nc);
  ctx.defer(() => kvTrip.destroy());

  const measured: number[] = [];
  const floors: number[] = [];
  const podmanRuns: number[] = [];
  const kvTrips: number[] = [];
  for (let i = 0; i < ctx.env.BENCH_RECONCILE_COUNT; i++) {
    // Floor: podman run of the same image, same kind of port mapping.
    const floorStart = performance.now();
    const floorId = await ctx.podman.run({
      image: NGINX_IMAGE,
      name: `bench-floor-${Date.now().toString(36)}`,
      labels: { "io.nationtech.fleet.bench": "floor" },
      portmappings: [{ host_port: await freePort(), container_port: 80, protocol: "tcp" }],
      restart_policy: "no",
    });
    if (!(await ctx.podman.running(floorId))) throw new PartError("floor container not running");
    const podmanMs = performance.now() - floorStart;
    await ctx.podman.remove(floorId);
    const kvMs = await kvTrip.measure();
    podmanRuns.push(podmanMs);
    kvTrips.push(kvMs);
    floors.push(podmanMs + kvMs);

    // The real path: CR → operator → KV → agent → podman.
    const name = `web-${i}`;
    const key = desiredStateKey({ device, namespace, name });
    const started = events.next(
      (e) => e.action === "start" && e.attributes[LABELS.deploymentKey] === key,
      60_000,
      `start of ${key}`,
    );
    const t0 = performance.now();
    await ctx.cluster.create(namespace, name, nginxSpec([device], await freePort()));
    const event = await started;
    if (!(await ctx.podman.running(event.id))) throw new PartError(`${key} not running`);
    measured.push(event.at - t0);
    ctx.logger.debug({ i, ms: Math.round(event.at - t0), floor: Math.round(podmanMs + kvMs) });

    // Remove it before the next one, so every sample starts from the same state.
    const removed = events.next((e) => e.action === "remove" && e.id === event.id, 60_000);
    await ctx.cluster.delete(namespace, name);
    await removed;
    await waitUntil(async () => (await ctx.cluster.get(namespace, name)) === undefined, {
      what: `${name} deleted`,
      timeoutMs: 30_000,
    });
  }
  const target = "p50 ≤ 1000 ms, p99 ≤ 2000 ms, ratio ≤ 1.5";
  return [
    latencyFigure("reconcile.cr_to_running", measured, {
      floorSamples: floors,
      target,
      note: "CR create → podman start event of the container (confirmed State.Running)",
    }),
    latencyFigure("reconcile.floor.podman_run", podmanRuns),
    latencyFigure("reconcile.floor.kv_put_watch", kvTrips),
  ];
};

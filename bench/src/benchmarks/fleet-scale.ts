// fleet-scale: N simulated devices heartbeating every 5 s into agent-status,
// one CR targeting all of them, the real operator aggregating. Per size:
// status lag (a device's phase flip → the CR aggregate showing it, on a CR
// watch), operator RSS and CPU (/proc), status patches per second (operator
// metric and CR resourceVersion changes), NATS messages per second (/varz),
// and, as the API-server floor, one status PATCH and GET of an equal-size CR.
import type { BenchContext, Benchmark } from "../context.js";
import { CrWatch } from "../cr-watch.js";
import { HeartbeatSimulator } from "../heartbeat-simulator.js";
import { timeStatusPatches } from "../patch-probe.js";
import { bundleOperator, installCrd, startOperator } from "../processes.js";
import { metricSum } from "../prometheus-text.js";
import { latencyFigure, valueFigure, type Figure } from "../stats.js";
import { nginxSpec, runId } from "../spec.js";
import { measureSteadyState } from "../steady-state.js";

const NAME = "fleet";

async function measureSize(ctx: BenchContext, size: number, bundle?: string): Promise<Figure[]> {
  const id = runId();
  const label = bundle === undefined ? `fleet.${size}` : `fleet.${size}.bundled`;
  const namespace = await ctx.cluster.namespace(`scale-${size}`);
  const ids = Array.from({ length: size }, (_, i) => `sim-${i}-${id}`);
  const operator = await startOperator(ctx.connection, {
    namespace,
    lease: `scale-${id}`,
    ...(bundle === undefined ? {} : { bundle }),
  });
  const crs = await CrWatch.open(ctx.cluster, namespace);
  const sim = await HeartbeatSimulator.open(ctx.connection, ids, { namespace, name: NAME });
  const spec = nginxSpec(ids, 18080);
  try {
    const t0 = performance.now();
    await ctx.cluster.create(namespace, NAME, spec);
    sim.start();
    await crs.until(NAME, (a) => a?.succeeded === size, 300_000, `${size} succeeded`);
    const convergeMs = performance.now() - t0;
    ctx.logger.info({ size, convergeMs: Math.round(convergeMs) }, "fleet converged; measuring");

    const steady = await measureSteadyState(ctx, { operator, crs, sim, name: NAME });
    const { seconds, lags } = steady;
    const patchesOf = (page: string): number =>
      metricSum(page, "iot_operator_status_patches_total", { result: "ok" });
    const patches = patchesOf(steady.metricsAfter) - patchesOf(steady.metricsBefore);
    const versions = steady.crVersions;
    const msgs = steady.natsInMsgs;
    const heap = await operator.metric("iot_operator_nodejs_heap_size_used_bytes");
    // The floor is timed with the simulator stopped: sharing this process's
    // event loop with 2 000 puts/s would inflate each round trip.
    await sim.stop();
    const probe = await timeStatusPatches(ctx.cluster, spec, size, 5);
    const mb = (bytes: number): number => bytes / 1024 ** 2;
    return [
      latencyFigure(`${label}.status_lag`, lags, {
        target: size === 10_000 ? "p99 ≤ 2000 ms" : undefined,
        note: "heartbeat put with a phase flip → CR aggregate.failed (CR watch)",
      }),
      valueFigure(`${label}.converge`, convergeMs, "ms", 1, {
        note: "CR created → aggregate.succeeded = all devices",
      }),
      valueFigure(`${label}.operator_rss_max`, mb(steady.rssMaxBytes), "MB", steady.rssSamples, {
        ...(size === 10_000 ? { target: "≤ 300 MB" } : {}),
        note: `heap used at end ${Math.round(mb(heap))} MB`,
      }),
      valueFigure(`${label}.operator_cpu`, steady.cpuCores, "cores", 1),
      valueFigure(`${label}.status_patches_per_s`, patches / seconds, "patches/s/CR", 1, {
        target: "≤ 1",
        note: `CR resourceVersion changes/s: ${(versions / seconds).toFixed(2)}`,
      }),
      valueFigure(`${label}.nats_in_msgs_per_s`, msgs / seconds, "msg/s", 1),
      latencyFigure(`${label}.floor.status_patch`, probe.patchMs, {
        note: "one status merge patch of an equal-size CR (unwatched copy), heartbeats paused",
      }),
      latencyFigure(`${label}.floor.cr_get`, probe.getMs),
    ];
  } finally {
    await sim.stop();
    // Delete while the operator runs, so its finalizer removes the KV entries.
    await ctx.cluster.delete(namespace, NAME);
    await crs.until(NAME, () => !crs.latest.has(NAME), 300_000, "deleted").catch(() => undefined);
    crs.close();
    await operator.stop();
    await sim.purge();
    await sim.close();
  }
}

export const fleetScale: Benchmark = async (ctx) => {
  await installCrd(ctx.connection);
  const figures: Figure[] = [];
  for (const size of ctx.env.BENCH_SCALE_SIZES) {
    figures.push(...(await measureSize(ctx, size)));
  }
  // The largest size once more with the operator bundled by esbuild (no tsx at run time).
  const largest = Math.max(...ctx.env.BENCH_SCALE_SIZES);
  figures.push(...(await measureSize(ctx, largest, await bundleOperator())));
  return figures;
};

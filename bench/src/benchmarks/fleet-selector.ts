// fleet-selector: fleet-scale with label-selector targeting and a Device CR
// per simulated device (labels and a fake identity, so each counts as
// enrolled). Sizes run in ascending order on one growing set of Devices. Per
// size, with a fresh operator: the time to create the new Devices; two selector
// Deployments (one matching every device, one matching a label no device has
// yet); convergence; the steady-state window of fleet-scale (status lag,
// operator RSS/CPU, CR status patches/s, NATS msg/s) plus Device status
// patches/s (the operator's counter and the Devices' writes on a watch); the
// CR's size; then a relabel of BENCH_RELABEL_DEVICES devices into the second
// Deployment and back out, timed per device on a desired-state KV watch.
import type { DeploymentSpecInput } from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import { loadavg } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import type { BenchContext, Benchmark } from "../context.js";
import { CrWatch } from "../cr-watch.js";
import { DesiredKeysWatch } from "../desired-keys-watch.js";
import { DeviceWritesWatch } from "../device-writes-watch.js";
import { HeartbeatSimulator, SIM_AGENT_VERSION } from "../heartbeat-simulator.js";
import { timeStatusPatches } from "../patch-probe.js";
import { bundleOperator, installCrd, startOperator, type Operator } from "../processes.js";
import { metricSum } from "../prometheus-text.js";
import { relabelBothWays } from "../relabel.js";
import { SimDeviceRegistry } from "../sim-device-registry.js";
import { nginxSelectorSpec, runId } from "../spec.js";
import { latencyFigure, valueFigure, type Figure } from "../stats.js";
import { measureSteadyState, metricsPage } from "../steady-state.js";

/** Selects every simulated device of the run. */
const FLEET = "fleet";
/** Selects the devices that carry RELABEL_KEY; none at first. */
const MOVING = "moving";
const RELABEL_KEY = "bench-relabel";
const DEVICE_PATCHES = "iot_operator_device_status_patches_total";
const RELABEL_TIMEOUT_MS = 120_000;

const mb = (bytes: number): number => bytes / 1024 ** 2;
const loadNote = (): string =>
  `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`;

/** `count` distinct devices of `ids`, chosen at random. */
function sample(ids: readonly string[], count: number): string[] {
  const pool = [...ids];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [pool[i], pool[j]] = [pool[j] ?? "", pool[i] ?? ""];
  }
  return pool.slice(0, Math.min(count, pool.length));
}

/** How the operator of one size runs: bundled or under tsx, and whether its heap is snapshotted. */
interface Form {
  label: string;
  bundle?: string;
  heapSnapshot?: boolean;
}

interface Parts {
  heapSnapshot: boolean;
  size: number;
  label: string;
  namespace: string;
  ids: string[];
  operator: Operator;
  readyMs: number;
  crs: CrWatch;
  sim: HeartbeatSimulator;
  keys: DesiredKeysWatch;
  deviceWrites: DeviceWritesWatch;
  fleetSpec: DeploymentSpecInput;
}

async function openParts(
  ctx: BenchContext,
  registry: SimDeviceRegistry,
  size: number,
  form: Form,
): Promise<Parts> {
  const ids = registry.ids.slice(0, size);
  const namespace = await ctx.cluster.namespace(`selector-${size}`);
  const t0 = performance.now();
  const operator = await startOperator(ctx.connection, {
    namespace,
    lease: `selector-${runId()}`,
    ...(form.bundle === undefined ? {} : { bundle: form.bundle }),
    nodeFlags: ctx.env.BENCH_OPERATOR_NODE_FLAGS,
    ...(ctx.env.BENCH_OPERATOR_CPU_PROFILE_DIR === undefined
      ? {}
      : { cpuProfileDir: ctx.env.BENCH_OPERATOR_CPU_PROFILE_DIR }),
    ...(form.heapSnapshot === true && ctx.env.BENCH_OPERATOR_HEAP_SNAPSHOT_DIR !== undefined
      ? { heapSnapshotDir: ctx.env.BENCH_OPERATOR_HEAP_SNAPSHOT_DIR }
      : {}),
  });
  const readyMs = performance.now() - t0;
  ctx.logger.info({ size, readyMs: Math.round(readyMs) }, "operator leading");
  return {
    heapSnapshot:
      form.heapSnapshot === true && ctx.env.BENCH_OPERATOR_HEAP_SNAPSHOT_DIR !== undefined,
    size,
    label: `selector.${size}${form.label}`,
    namespace,
    ids,
    operator,
    readyMs,
    crs: await CrWatch.open(ctx.cluster, namespace),
    sim: await HeartbeatSimulator.open(ctx.connection, ids, { namespace, name: FLEET }),
    keys: await DesiredKeysWatch.open(ctx.kv.desired, { namespace, name: MOVING }),
    deviceWrites: await DeviceWritesWatch.open(ctx.logger),
    fleetSpec: nginxSelectorSpec(registry.selectorUpTo(size), 18080),
  };
}

async function closeParts(ctx: BenchContext, parts: Parts): Promise<void> {
  const { crs, sim, namespace } = parts;
  await sim.stop();
  // Delete while the operator runs, so its finalizer removes the KV entries.
  for (const name of [FLEET, MOVING]) await ctx.cluster.delete(namespace, name);
  for (const name of [FLEET, MOVING]) {
    await crs.until(name, () => !crs.latest.has(name), 300_000, "deleted").catch(() => undefined);
  }
  crs.close();
  parts.keys.close();
  await parts.deviceWrites.close();
  await parts.operator.stop();
  await sim.purge();
  await sim.close();
}

async function measureParts(
  ctx: BenchContext,
  registry: SimDeviceRegistry,
  parts: Parts,
): Promise<Figure[]> {
  const {
    size,
    label,
    namespace,
    ids,
    operator,
    readyMs,
    crs,
    sim,
    keys,
    deviceWrites,
    fleetSpec,
  } = parts;
  ctx.logger.info({ size }, "watches open; creating the selector Deployments");
  const t1 = performance.now();
  await ctx.cluster.create(namespace, FLEET, fleetSpec);
  await ctx.cluster.create(
    namespace,
    MOVING,
    nginxSelectorSpec(registry.selectorUpTo(size, { [RELABEL_KEY]: "on" }), 18081),
  );
  sim.start();
  await crs.until(FLEET, (a) => a?.succeeded === size, 600_000, `${size} succeeded`);
  const convergeMs = performance.now() - t1;
  const matched = crs.aggregate(FLEET)?.matchedDevices;
  ctx.logger.info({ size, convergeMs: Math.round(convergeMs), matched }, "converged; measuring");

  const steadyLoad = loadNote();
  const writes0 = deviceWrites.writes;
  const offline0 = deviceWrites.wentOffline;
  const online0 = deviceWrites.cameOnline;
  const steady = await measureSteadyState(ctx, { operator, crs, sim, name: FLEET });
  const deviceWritesInWindow = deviceWrites.writes - writes0;
  const wentOffline = deviceWrites.wentOffline - offline0;
  const cameOnline = deviceWrites.cameOnline - online0;
  const devicePatchesOf = (page: string): number => metricSum(page, DEVICE_PATCHES);
  const devicePatches =
    devicePatchesOf(steady.metricsAfter) - devicePatchesOf(steady.metricsBefore);
  const crPatchesOf = (page: string): number =>
    metricSum(page, "iot_operator_status_patches_total", { result: "ok" });
  const crPatches = crPatchesOf(steady.metricsAfter) - crPatchesOf(steady.metricsBefore);
  const nodeMb = (metric: string): number =>
    Math.round(mb(metricSum(steady.metricsAfter, `iot_operator_nodejs_${metric}`)));
  const memoryNote =
    `at the end: heap used ${nodeMb("heap_size_used_bytes")} MB of ${nodeMb("heap_size_total_bytes")} MB, ` +
    `external ${nodeMb("external_memory_bytes")} MB`;
  const stored = await ctx.cluster.get(namespace, FLEET);
  const crBytes = Buffer.byteLength(JSON.stringify(stored));
  const listBytes = Buffer.byteLength(JSON.stringify(ids));

  const relabelLoad = loadNote();
  const relabelled = sample(ids, ctx.env.BENCH_RELABEL_DEVICES);
  const relabel = await relabelBothWays(
    registry,
    keys,
    relabelled,
    { key: RELABEL_KEY, value: "on" },
    RELABEL_TIMEOUT_MS,
  );
  ctx.logger.info({ size }, "relabelled both ways");
  if (parts.heapSnapshot) await snapshotHeap(ctx, operator);
  const online = deviceWrites.online();
  const devicePatchesSinceStart = metricSum(steady.metricsAfter, DEVICE_PATCHES);

  // The floor is timed with the simulator stopped, as in fleet-scale.
  await sim.stop();
  const probe = await timeStatusPatches(ctx.cluster, fleetSpec, size, 5);
  const s = steady.seconds;
  return [
    valueFigure(`${label}.operator_ready`, readyMs, "ms", 1, {
      note: `operator started → leading (its Device list of ${size}); ${steadyLoad} at window`,
    }),
    valueFigure(`${label}.converge`, convergeMs, "ms", 1, {
      note: `selector CR created → aggregate.succeeded = ${size} (matchedDevices ${matched ?? "absent"})`,
    }),
    latencyFigure(`${label}.status_lag`, steady.lags, {
      ...(size === 10_000 || size === 50_000 ? { target: "p99 ≤ 2000 ms" } : {}),
      note: `heartbeat put with a phase flip → CR aggregate.failed (CR watch); ${steadyLoad}`,
    }),
    valueFigure(`${label}.operator_rss_max`, mb(steady.rssMaxBytes), "MB", steady.rssSamples, {
      ...(size === 10_000 ? { target: "≤ 300 MB" } : size === 50_000 ? { target: "≤ 500 MB" } : {}),
      note:
        ctx.env.BENCH_OPERATOR_NODE_FLAGS.length === 0
          ? memoryNote
          : `${memoryNote}; node flags ${ctx.env.BENCH_OPERATOR_NODE_FLAGS.join(" ")}`,
    }),
    valueFigure(`${label}.operator_cpu`, steady.cpuCores, "cores", 1),
    valueFigure(`${label}.cr_status_patches_per_s`, crPatches / s, "patches/s/CR", 1, {
      target: "≤ 1",
      note: `CR resourceVersion changes/s: ${(steady.crVersions / s).toFixed(2)}`,
    }),
    valueFigure(`${label}.device_status_patches_per_s`, devicePatches / s, "patches/s", 1, {
      ...(size === 50_000 ? { target: "≤ 50" } : {}),
      note:
        `operator's ${DEVICE_PATCHES} over the window; Device writes seen on a watch ` +
        `${(deviceWritesInWindow / s).toFixed(2)}/s, of which Online → Offline ${wentOffline}, back Online ${cameOnline}; ` +
        `since operator start ${devicePatchesSinceStart}; ` +
        `Devices Online at the end ${online} of ${size}`,
    }),
    valueFigure(`${label}.heartbeats_per_s`, steady.heartbeats / s, "puts/s", 1, {
      note:
        `simulator's achieved rate; intended ${size / 5}/s (5 s period); longest gap between ` +
        `two heartbeats of one device ${Math.round(steady.heartbeatMaxGapMs)} ms`,
    }),
    valueFigure(`${label}.nats_in_msgs_per_s`, steady.natsInMsgs / s, "msg/s", 1),
    valueFigure(`${label}.cr_bytes`, crBytes, "bytes", 1, {
      note: `the selector CR as read (JSON); a targetDevices list of the same devices: ${listBytes} bytes`,
    }),
    latencyFigure(`${label}.relabel_placed`, relabel.placed.perDevice, {
      target: "p99 ≤ 10000 ms",
      note:
        `${relabelled.length} devices gain a label: label patch sent → desired-state key put (KV watch); ` +
        `whole batch ${Math.round(relabel.placed.wholeBatchMs)} ms, patching ${Math.round(relabel.placed.patchingMs)} ms; ${relabelLoad}`,
    }),
    latencyFigure(`${label}.relabel_withdrawn`, relabel.withdrawn.perDevice, {
      note:
        `the same devices lose it: label patch sent → key deleted; whole batch ` +
        `${Math.round(relabel.withdrawn.wholeBatchMs)} ms, patching ${Math.round(relabel.withdrawn.patchingMs)} ms`,
    }),
    latencyFigure(`${label}.floor.status_patch`, probe.patchMs, {
      note: "one status merge patch of an equal CR (unwatched copy), heartbeats paused",
    }),
  ];
}

/** Has the operator write a heap snapshot (SIGUSR2) and waits until it serves again. */
async function snapshotHeap(ctx: BenchContext, operator: Operator): Promise<void> {
  const started = performance.now();
  process.kill(operator.pid, "SIGUSR2");
  // Writing the snapshot blocks the operator's event loop: it answers again once done.
  await delay(1000);
  await waitUntil(async () => (await metricsPage(operator)).length > 0, {
    what: "operator back after its heap snapshot",
    timeoutMs: 600_000,
  });
  ctx.logger.info(
    { ms: Math.round(performance.now() - started) },
    "operator heap snapshot written",
  );
}

async function measureSize(
  ctx: BenchContext,
  registry: SimDeviceRegistry,
  size: number,
  form: Form,
): Promise<Figure[]> {
  const parts = await openParts(ctx, registry, size, form);
  try {
    return await Promise.race([measureParts(ctx, registry, parts), parts.operator.died()]);
  } finally {
    await closeParts(ctx, parts);
  }
}

export const fleetSelector: Benchmark = async (ctx) => {
  await installCrd(ctx.connection);
  await SimDeviceRegistry.removeLeftovers();
  const registry = await SimDeviceRegistry.open(runId(), {
    concurrency: ctx.env.BENCH_DEVICE_CONCURRENCY,
    agentVersion: SIM_AGENT_VERSION,
  });
  ctx.defer(() => registry.removeAll());
  const bundle = await bundleOperator();
  const sizes = [...ctx.env.BENCH_SELECTOR_SIZES].sort((a, b) => a - b);
  const figures: Figure[] = [];
  for (const size of sizes) {
    const load = loadNote();
    const growth = await registry.growTo(size);
    figures.push(
      valueFigure(`selector.${size}.devices_created`, growth.seconds, "s", growth.created, {
        note: `${growth.created} Device CRs created (create + status patch each), ${growth.perSecond.toFixed(0)}/s with ${ctx.env.BENCH_DEVICE_CONCURRENCY} in flight; ${load}`,
      }),
    );
    // The operator as its image ships it: bundled by esbuild, run by plain node.
    figures.push(
      ...(await measureSize(ctx, registry, size, {
        label: "",
        bundle,
        heapSnapshot: size === sizes[0],
      })),
    );
    // The smallest size once more under tsx, against the bundle (RSS differs most),
    // before more Devices exist.
    if (size === sizes[0]) {
      figures.push(...(await measureSize(ctx, registry, size, { label: ".tsx" })));
    }
  }
  return figures;
};

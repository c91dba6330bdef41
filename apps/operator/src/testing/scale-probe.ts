// Scale probe (DESIGN.md §5): one CR targeting N simulated devices that each
// heartbeat every period; prints JSON figures (desired-state write time, status
// lag, RSS, status patches per second). Not a test: nothing is asserted.
//   npx tsx apps/operator/src/testing/scale-probe.ts [devices=10000] [seconds=60]
import {
  desiredStateKey,
  encodeAgentStatus,
  agentStatusKey,
  deploymentDesiredStateFilter,
} from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import { Watch } from "@kubernetes/client-node";
import { setTimeout as delay } from "node:timers/promises";
import { Cluster, Kv, nginxSpec, runId } from "./fixtures.js";
import { startOperator } from "./operator-process.js";

const devices = Number(process.argv[2] ?? 10_000);
const seconds = Number(process.argv[3] ?? 60);
const PERIOD_MS = 5000;
const name = "fleet";

const cluster = await Cluster.connect();
const kv = await Kv.connect();
const ns = await cluster.namespace("scale");
const ids = Array.from({ length: devices }, (_, i) => `sim-${i}-${runId}`);
const failing = new Set<string>();
const op = await startOperator(`op-scale-${runId}`, [
  "--namespace",
  ns,
  "--lease-name",
  `scale-${runId}`,
]);
await op.waitForState("leading", 60_000);

const created = performance.now();
await cluster.create(ns, name, nginxSpec(ids));
await waitUntil(
  async () =>
    (await kv.keys(deploymentDesiredStateFilter({ namespace: ns, name }))).length === devices,
  {
    what: "all desired-state entries",
    timeoutMs: 300_000,
    intervalMs: 1000,
  },
);
const writeMs = performance.now() - created;

const beat = (device: string): Promise<number> =>
  kv.status.put(
    agentStatusKey(device),
    encodeAgentStatus({
      deviceId: device,
      agentVersion: "sim",
      lastHeartbeatAt: new Date().toISOString(),
      deployments: {
        [desiredStateKey({ device, namespace: ns, name })]: failing.has(device)
          ? { phase: "Failed", lastError: "simulated failure" }
          : { phase: "Running" },
      },
    }),
  );

// Each device heartbeats once per period, spread evenly over the period.
const running = { stop: false };
const publisher = (async () => {
  const slice = Math.ceil(devices / (PERIOD_MS / 100));
  for (;;) {
    for (let i = 0; i < devices && !running.stop; i += slice) {
      const tick = performance.now();
      await Promise.all(ids.slice(i, i + slice).map(beat));
      await delay(Math.max(0, 100 - (performance.now() - tick)));
    }
    if (running.stop) return;
  }
})();

await waitUntil(
  async () => (await cluster.get(ns, name))?.status?.aggregate?.succeeded === devices,
  {
    what: "all devices succeeded",
    timeoutMs: 120_000,
    intervalMs: 500,
  },
);
// The CR is watched (one stream) rather than polled: GETs of a 10 000-device object
// would load the API server and distort what is measured.
const watchers = new Set<{ want: number; resolve: () => void }>();
let lastFailed = 0;
await new Watch(cluster.kc).watch(
  `/apis/iot.nationtech.io/v1alpha1/namespaces/${ns}/deployments`,
  { fieldSelector: `metadata.name=${name}` },
  (_type: string, obj: { status?: { aggregate?: { failed?: number } } }) => {
    lastFailed = obj.status?.aggregate?.failed ?? 0;
    for (const w of watchers) if (lastFailed >= w.want) w.resolve();
  },
  () => undefined,
);
const failedAtLeast = (want: number): Promise<void> =>
  lastFailed >= want
    ? Promise.resolve()
    : new Promise((resolve) => {
        const w = {
          want,
          resolve: () => {
            watchers.delete(w);
            resolve();
          },
        };
        watchers.add(w);
      });
const patchesBefore = await op.metric("iot_operator_status_patches_total", 'result="ok"');
const cpuBefore = await op.metric("iot_operator_process_cpu_seconds_total");
let heapMax = 0;
const started = performance.now();
const lags: number[] = [];
let rssMax = 0;
while (performance.now() - started < seconds * 1000) {
  const device = ids[Math.floor(Math.random() * devices)] ?? "";
  failing.add(device);
  const t0 = performance.now();
  await beat(device);
  await failedAtLeast(failing.size);
  lags.push(performance.now() - t0);
  rssMax = Math.max(rssMax, await op.metric("iot_operator_process_resident_memory_bytes"));
  heapMax = Math.max(heapMax, await op.metric("iot_operator_nodejs_heap_size_used_bytes"));
  await delay(2000);
}
const elapsed = (performance.now() - started) / 1000;
const patches =
  (await op.metric("iot_operator_status_patches_total", 'result="ok"')) - patchesBefore;
const cpu = (await op.metric("iot_operator_process_cpu_seconds_total")) - cpuBefore;
running.stop = true;
await publisher;
lags.sort((a, b) => a - b);
const pct = (p: number): number =>
  Math.round(lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? 0);
console.log(
  JSON.stringify({
    devices,
    heartbeatPeriodMs: PERIOD_MS,
    desiredStateWriteMs: Math.round(writeMs),
    statusLagMs: {
      samples: lags.length,
      p50: pct(0.5),
      p99: pct(0.99),
      max: Math.round(lags.at(-1) ?? 0),
    },
    statusPatchesPerSecond: Number((patches / elapsed).toFixed(2)),
    operatorRssMaxMB: Math.round(rssMax / 1024 ** 2),
    operatorHeapUsedMaxMB: Math.round(heapMax / 1024 ** 2),
    operatorCpuCores: Number((cpu / elapsed).toFixed(2)),
  }),
);
// Delete while the operator still runs, so its finalizer is released and the
// 10 000 entries are gone (a leftover would be cleaned by the next operator).
await cluster.delete(ns, name);
await waitUntil(async () => (await cluster.get(ns, name)) === undefined, {
  what: "scale CR deleted",
  timeoutMs: 300_000,
  intervalMs: 1000,
});
await op.stop();
await kv.close();
process.exit(0);

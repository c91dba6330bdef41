// soak (on request only, not in `npm run bench`): BENCH_SOAK_MINUTES (30, or
// --minutes) of churn across BENCH_SOAK_DEPLOYMENTS Deployments (20) and
// BENCH_SOAK_DEVICES simulated devices (200), with the real operator (bundled,
// as its image ships), one real agent on podman (its single-file bundle, as
// devices run it; in four of the Deployments),
// iot-identity, and the dashboard's production build serving a signed-in
// viewer's pages. Every BENCH_SOAK_SAMPLE_SECONDS (10) it reads, for the
// operator, the agent and the dashboard: RSS, open file descriptors (and
// sockets) and CPU time from /proc, and the event-loop delay from a probe
// preloaded into each (soak/lag-probe.ts). After the churn every Deployment
// must converge again. Reported: start, end, max and slope per hour of each
// series; the samples, trends and the memory chart go to
// bench/results/soak-<date>.json.
import { agentStatusKey, LABELS } from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import { provisionTestDevice } from "@fleet/provisioning/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { BENCH_LABEL } from "../bench-devices.js";
import type { BenchContext, Benchmark } from "../context.js";
import { CheckFailedError } from "../errors.js";
import { startIdentity } from "../identity-process.js";
import { describeMachine } from "../machine.js";
import {
  bundleAgent,
  bundleOperator,
  installCrd,
  startAgent,
  startOperator,
} from "../processes.js";
import { runId } from "../spec.js";
import { percentile, type Figure } from "../stats.js";
import { startDashboard } from "../web-server.js";
import { Churn } from "../soak/churn.js";
import { waitConverged, type Convergence } from "../soak/convergence.js";
import { DashboardLoad } from "../soak/dashboard-load.js";
import { LagProbes } from "../soak/lag-probes.js";
import { memoryChart } from "../soak/soak-chart.js";
import { SoakFleet } from "../soak/soak-fleet.js";
import { printSoakSummary, saveSoak } from "../soak/soak-report.js";
import { SoakSampler } from "../soak/sampler.js";
import { soakFigures } from "../soak/soak-figures.js";
import { trendsOf, type SoakProcess } from "../soak/soak-series.js";
import { withNodeOptions } from "../soak/with-node-options.js";

/** Simulated devices per Deployment: 20 of 200, so each device holds about two. */
const DEVICES_PER_DEPLOYMENT = 20;
/** A simulated device's restart onto a new revision (±50 %). */
const UPDATE_MS = 1000;
const HEARTBEAT_MS = 5000;

export const soak: Benchmark = async (ctx) => {
  const { env } = ctx;
  const id = runId();
  const sampleMs = env.BENCH_SOAK_SAMPLE_SECONDS * 1000;
  await installCrd(ctx.connection);
  const namespace = await ctx.cluster.namespace("soak");
  const probes = await LagProbes.build(sampleMs);
  ctx.defer(() => probes.remove());

  const identity = await startIdentity(ctx.connection);
  ctx.defer(() => identity.stop());
  const operator = await startOperator(ctx.connection, {
    namespace,
    lease: `soak-${id}`,
    bundle: await bundleOperator(),
    nodeFlags: ["--import", probes.module],
  });
  ctx.defer(() => operator.stop());

  // The one real agent, provisioned like any device and connecting through the auth callout.
  const device = `soak-dev-${id}`;
  const provisioned = await provisionTestDevice(device, { labels: { [BENCH_LABEL]: id } });
  ctx.defer(() => provisioned.cleanup());
  const dataDir = await mkdtemp(join(tmpdir(), `bench-agent-${device}-`));
  const agent = startAgent(
    ctx.connection,
    provisioned.credentialsFile,
    dataDir,
    ["--import", probes.module],
    await bundleAgent(),
  );
  ctx.defer(async () => {
    await agent.stop();
    await rm(dataDir, { recursive: true, force: true });
    for (const c of await ctx.podman.withLabel(LABELS.device, device))
      await ctx.podman.remove(c.id);
  });
  await waitUntil(async () => (await ctx.kv.status.get(agentStatusKey(device))) !== null, {
    what: `first heartbeat of ${device}`,
    timeoutMs: 60_000,
  });

  // The probe goes into the server only, not into a `next build` that may come first.
  const web = await startDashboard(ctx.connection, ctx.logger, (serve) =>
    withNodeOptions(`--import=${probes.module}`, serve),
  );
  ctx.defer(() => web.stop());

  const simIds = Array.from(
    { length: env.BENCH_SOAK_DEVICES },
    (_, i) => `soak-${String(i)}-${id}`,
  );
  const fleet = await SoakFleet.open(ctx.connection, ctx.kv.desired, simIds, namespace, {
    updateMs: UPDATE_MS,
    periodMs: HEARTBEAT_MS,
    logger: ctx.logger,
  });
  ctx.defer(async () => {
    await fleet.stop();
    await fleet.purge();
    await fleet.close();
  });
  fleet.start();
  const churn = new Churn({
    cluster: ctx.cluster,
    namespace,
    fleet,
    agentDevice: device,
    devicesPerDeployment: DEVICES_PER_DEPLOYMENT,
    logger: ctx.logger,
  });
  // Registered after the operator's stop, so it runs before it: the finalizer removes the entries.
  ctx.defer(() => churn.deleteAll());
  await churn.createAll(env.BENCH_SOAK_DEPLOYMENTS);
  const initial = await waitConverged(ctx, namespace, churn);
  ctx.logger.info(
    { ms: initial.ms, converged: initial.converged },
    "soak Deployments created and converged; churning",
  );

  const load = await DashboardLoad.signIn(web.url, env.BENCH_CHROMIUM, ctx.logger);
  ctx.defer(() => load.stop());
  const pages = (): string[] => [
    "/fleet",
    "/deployments",
    `/deployments/${namespace}`,
    `/deployments/${namespace}/${churn.deployments[0]?.name ?? ""}`,
    "/devices",
    `/fleet/${device}`,
  ];
  load.start(pages);

  const pids: Record<SoakProcess, number> = {
    operator: operator.pid,
    agent: agent.pid,
    dashboard: web.pid,
  };
  const died = Promise.race([
    operator.died(),
    agent.died(),
    web.exited.then((how): never => {
      throw new Error(`the dashboard exited (${how}): see ${web.logFile}`);
    }),
  ]);
  died.catch(() => undefined);
  return Promise.race([
    measure(ctx, { pids, probes, churn, load, fleet, operator, device, namespace, initial }),
    died,
  ]);
};

async function measure(
  ctx: BenchContext,
  parts: {
    pids: Record<SoakProcess, number>;
    probes: LagProbes;
    churn: Churn;
    load: DashboardLoad;
    fleet: SoakFleet;
    operator: { metric(name: string): Promise<number> };
    device: string;
    namespace: string;
    initial: Convergence;
  },
): Promise<Figure[]> {
  const { env } = ctx;
  const { churn, load, fleet, operator, device, namespace } = parts;
  const minutes = env.BENCH_SOAK_MINUTES;
  const machineBefore = await describeMachine();
  const startedAt = new Date().toISOString();
  const operations = (): number => Object.values(churn.counts).reduce((a, b) => a + b, 0);
  const sampler = new SoakSampler({
    pids: parts.pids,
    probes: parts.probes,
    operations,
    pageTimes: () => load.take(),
    operatorLagSeconds: () => operator.metric("iot_operator_nodejs_eventloop_lag_p99_seconds"),
    logger: ctx.logger,
  });
  const t0 = performance.now();
  const deadline = t0 + minutes * 60_000;
  const sampling = sampler.run(env.BENCH_SOAK_SAMPLE_SECONDS * 1000, deadline);
  for (let next = t0; performance.now() < deadline; next += env.BENCH_SOAK_CHURN_SECONDS * 1000) {
    await delay(Math.max(0, next - performance.now()));
    await churn.step();
  }
  await sampling;

  const after = await waitConverged(ctx, namespace, churn);
  const agentContainers = (await ctx.podman.withLabel(LABELS.device, device)).filter(
    (c) => c.state === "running",
  ).length;
  const agentDeployments = churn.deployments.filter((d) => d.onAgent).length;
  const { samples } = sampler;
  const trends = trendsOf(samples);
  const chart = memoryChart(samples, `RSS over a ${String(minutes)}-minute soak (MB)`);
  const heapChart = memoryChart(
    samples,
    `V8 heap after a full GC over a ${String(minutes)}-minute soak (MB)`,
    "heapAfterGcMB",
  );
  const loads = samples.map((s) => s.load1);
  const file = await saveSoak(startedAt, {
    benchmark: "soak",
    startedAt,
    minutes,
    settings: {
      deployments: env.BENCH_SOAK_DEPLOYMENTS,
      simulatedDevices: env.BENCH_SOAK_DEVICES,
      devicesPerDeployment: DEVICES_PER_DEPLOYMENT,
      realAgents: 1,
      agentDeployments,
      churnEverySeconds: env.BENCH_SOAK_CHURN_SECONDS,
      sampleEverySeconds: env.BENCH_SOAK_SAMPLE_SECONDS,
      heartbeatMs: HEARTBEAT_MS,
    },
    machineBefore,
    machineAfter: await describeMachine(),
    load1: { min: Math.min(...loads), max: Math.max(...loads), median: percentile(loads, 50) },
    initialConvergence: parts.initial,
    churn: { operations: operations(), counts: churn.counts, failures: churn.failures },
    afterChurn: {
      ...after,
      deployments: churn.deployments.length,
      agentContainers,
      agentDeployments,
    },
    simulatedHeartbeats: {
      puts: fleet.puts,
      failed: fleet.failedPuts,
      entriesSeen: fleet.entriesSeen,
    },
    dashboardPages: {
      requests: load.requests,
      failures: load.failures,
      lastFailure: load.lastFailure,
    },
    trends,
    memoryChart: chart,
    heapChart,
    samples,
  });
  ctx.logger.info({ file }, "soak samples saved");
  printSoakSummary(trends, minutes, chart);

  const figures = soakFigures({
    samples,
    trends,
    sampleSeconds: env.BENCH_SOAK_SAMPLE_SECONDS,
    counts: churn.counts,
    failedOperations: churn.failures.length,
    deployments: churn.deployments.length,
    after,
    agentContainers,
    agentDeployments,
    pageTimes: sampler.pageTimes,
    pages: { requests: load.requests, failures: load.failures },
  });
  if (after.converged !== churn.deployments.length || agentContainers !== agentDeployments)
    throw new CheckFailedError(
      "soak: the fleet did not converge after the churn (see the figures)",
      figures,
    );
  return figures;
}

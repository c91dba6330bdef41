// soak (on request only, not in `npm run bench`): BENCH_SOAK_MINUTES (30, or
// --minutes) of churn across BENCH_SOAK_DEPLOYMENTS Deployments (20) and
// BENCH_SOAK_DEVICES simulated devices (200), with the real operator (bundled,
// as its image ships), one real agent on podman (in four of the Deployments),
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
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { BENCH_LABEL } from "../bench-devices.js";
import type { BenchContext, Benchmark } from "../context.js";
import { CheckFailedError } from "../errors.js";
import { startIdentity } from "../identity-process.js";
import { describeMachine } from "../machine.js";
import { bundleOperator, installCrd, startAgent, startOperator } from "../processes.js";
import { runId } from "../spec.js";
import { latencyFigure, percentile, valueFigure, type Figure } from "../stats.js";
import { startDashboard } from "../web-server.js";
import { Churn } from "../soak/churn.js";
import { waitConverged, type Convergence } from "../soak/convergence.js";
import { DashboardLoad } from "../soak/dashboard-load.js";
import { LagProbes } from "../soak/lag-probes.js";
import { readTree } from "../soak/proc-tree.js";
import { memoryChart } from "../soak/soak-chart.js";
import { SoakFleet } from "../soak/soak-fleet.js";
import { printSoakSummary, saveSoak } from "../soak/soak-report.js";
import {
  SOAK_PROCESSES,
  trendsOf,
  type ProcessSample,
  type SoakProcess,
  type SoakSample,
} from "../soak/soak-series.js";
import { withNodeOptions } from "../soak/with-node-options.js";

/** Simulated devices per Deployment: 20 of 200, so each device holds about two. */
const DEVICES_PER_DEPLOYMENT = 20;
/** A simulated device's restart onto a new revision (±50 %). */
const UPDATE_MS = 1000;
const HEARTBEAT_MS = 5000;

interface Pids {
  operator: number;
  agent: number;
  dashboard: number;
}

async function sampleProcess(pid: number, probes: LagProbes): Promise<ProcessSample | null> {
  const tree = await readTree(pid);
  if (tree.pids.length === 0) return null;
  const lag = await probes.latest(tree.pids);
  return {
    processes: tree.pids.length,
    rssMB: Math.round((tree.rssBytes / 1024 ** 2) * 10) / 10,
    fds: tree.fds,
    sockets: tree.sockets,
    cpuSeconds: Math.round(tree.cpuSeconds * 100) / 100,
    ...(lag === undefined ? {} : { lagP50Ms: lag.p50Ms, lagP99Ms: lag.p99Ms, lagMaxMs: lag.maxMs }),
  };
}

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
  const agent = startAgent(ctx.connection, provisioned.credentialsFile, dataDir, [
    "--import",
    probes.module,
  ]);
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

  const web = await withNodeOptions(`--import=${probes.module}`, () =>
    startDashboard(ctx.connection, ctx.logger),
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

  const pids: Pids = { operator: operator.pid, agent: agent.pid, dashboard: web.pid };
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
    pids: Pids;
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
  const { pids, probes, churn, load, fleet, operator, device, namespace } = parts;
  const minutes = env.BENCH_SOAK_MINUTES;
  const machineBefore = await describeMachine();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const deadline = t0 + minutes * 60_000;
  const samples: SoakSample[] = [];
  const pageTimes: number[] = [];

  const takeSample = async (): Promise<void> => {
    const readings = await Promise.all(
      SOAK_PROCESSES.map((name) => sampleProcess(pids[name], probes)),
    );
    const processes = Object.fromEntries(
      SOAK_PROCESSES.map((name, i) => [name, readings[i] ?? null]),
    ) as Record<SoakProcess, ProcessSample | null>;
    const pageMs = load.take();
    pageTimes.push(...pageMs);
    const promLag = await operator
      .metric("iot_operator_nodejs_eventloop_lag_p99_seconds")
      .catch(() => undefined);
    samples.push({
      t: Math.round((performance.now() - t0) / 1000),
      at: new Date().toISOString(),
      load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      operations: Object.values(churn.counts).reduce((a, b) => a + b, 0),
      ...(promLag === undefined ? {} : { operatorPromLagP99Ms: Math.round(promLag * 1e5) / 100 }),
      ...(pageMs.length === 0 ? {} : { pageP50Ms: Math.round(percentile(pageMs, 50)) }),
      processes,
    });
  };

  const sampling = (async () => {
    for (let next = t0; next <= deadline; next += env.BENCH_SOAK_SAMPLE_SECONDS * 1000) {
      await delay(Math.max(0, next - performance.now()));
      await takeSample();
      const last = samples.at(-1);
      if (samples.length % 6 === 1 && last !== undefined)
        ctx.logger.info(
          {
            minute: Math.round(last.t / 60),
            rssMB: Object.fromEntries(SOAK_PROCESSES.map((n) => [n, last.processes[n]?.rssMB])),
            operations: last.operations,
            load1: last.load1,
          },
          "soak sample",
        );
    }
  })();
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
  const trends = trendsOf(samples);
  const chart = memoryChart(samples, `RSS over a ${String(minutes)}-minute soak (MB)`);
  const loads = samples.map((s) => s.load1);
  const operations = Object.values(churn.counts).reduce((a, b) => a + b, 0);
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
    churn: { operations, counts: churn.counts, failures: churn.failures },
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
    samples,
  });
  ctx.logger.info({ file }, "soak samples saved");
  printSoakSummary(trends, minutes, chart);

  const figures: Figure[] = [];
  for (const name of SOAK_PROCESSES) {
    const rss = trends[name].rssMB;
    const fds = trends[name].fds;
    const lags = samples.flatMap((s) => s.processes[name]?.lagP99Ms ?? []);
    if (rss !== undefined)
      figures.push(
        valueFigure(`soak.${name}.rss`, rss.end, "MB", rss.n, {
          target: "flat",
          note: `start ${rss.start}, max ${rss.max}; slope ${String(rss.slopePerHour)} MB/h (second half ${String(rss.slopePerHourSecondHalf)} MB/h)`,
        }),
      );
    if (fds !== undefined)
      figures.push(
        valueFigure(`soak.${name}.fds`, fds.end, "fds", fds.n, {
          target: "flat",
          note: `start ${fds.start}, max ${fds.max}; slope ${String(fds.slopePerHour)}/h (second half ${String(fds.slopePerHourSecondHalf)}/h)`,
        }),
      );
    if (lags.length > 0)
      figures.push(
        valueFigure(`soak.${name}.lag_p99`, percentile(lags, 50), "ms", lags.length, {
          note: `median of the ${String(env.BENCH_SOAK_SAMPLE_SECONDS)} s windows' event-loop p99 (probe, beyond a 10 ms timer); worst window ${String(Math.max(...lags))} ms`,
        }),
      );
  }
  figures.push(
    valueFigure("soak.operations", operations, "operations", operations, {
      note: `${JSON.stringify(churn.counts)}; failed ${String(churn.failures.length)}`,
    }),
    valueFigure("soak.operation_failures", churn.failures.length, "operations", operations, {
      target: "0",
    }),
    valueFigure(
      "soak.converged_after_churn",
      after.converged,
      "deployments",
      churn.deployments.length,
      {
        target: `= ${String(churn.deployments.length)}`,
        note: `every target Running the current generation, ${String(after.ms)} ms after the churn stopped; agent containers running ${String(agentContainers)} of ${String(agentDeployments)}`,
      },
    ),
    latencyFigure("soak.dashboard_page", pageTimes, {
      note: `signed-in page fetches (server render), ${String(load.failures)} of ${String(load.requests)} failed`,
    }),
  );
  if (after.converged !== churn.deployments.length || agentContainers !== agentDeployments)
    throw new CheckFailedError(
      "soak: the fleet did not converge after the churn (see the figures)",
      figures,
    );
  return figures;
}

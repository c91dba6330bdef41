// The steady-state window of a fleet benchmark, shared by fleet-scale and
// fleet-selector: with every simulated device heartbeating, about once a
// second one random device flips to Failed in its next heartbeat, and the time
// from that put to the CR watch showing `failed` go up is one status-lag
// sample. Around the window: operator RSS and CPU (/proc), its /metrics page
// (the caller reads the counters it wants), the CR's resourceVersion changes,
// NATS messages in (/varz) and the heartbeats the simulator achieved.
import { setTimeout as delay } from "node:timers/promises";
import type { BenchContext } from "./context.js";
import type { CrWatch } from "./cr-watch.js";
import type { HeartbeatSimulator } from "./heartbeat-simulator.js";
import { procUsage, type Operator } from "./processes.js";

export interface SteadyState {
  seconds: number;
  /** Heartbeat put → CR aggregate.failed up, in ms. */
  lags: number[];
  rssMaxBytes: number;
  rssSamples: number;
  /** Operator CPU over the window, in cores. */
  cpuCores: number;
  /** The operator's /metrics page at the start and the end of the window. */
  metricsBefore: string;
  metricsAfter: string;
  crVersions: number;
  natsInMsgs: number;
  heartbeats: number;
  /** The longest time between two heartbeats of one simulated device in the window (ms). */
  heartbeatMaxGapMs: number;
}

async function natsInMsgs(monitorUrl: string): Promise<number> {
  const varz = (await (await fetch(`${monitorUrl}/varz`)).json()) as { in_msgs: number };
  return varz.in_msgs;
}

export async function metricsPage(operator: Operator): Promise<string> {
  return (await fetch(`http://127.0.0.1:${operator.port}/metrics`)).text();
}

export async function measureSteadyState(
  ctx: BenchContext,
  parts: { operator: Operator; crs: CrWatch; sim: HeartbeatSimulator; name: string },
): Promise<SteadyState> {
  const { operator, crs, sim, name } = parts;
  const size = sim.ids.length;
  const metricsBefore = await metricsPage(operator);
  const versions0 = crs.versions.get(name) ?? 0;
  const msgs0 = await natsInMsgs(ctx.connection.natsMonitorUrl);
  const beats0 = sim.puts;
  sim.resetGaps();
  const usage0 = await procUsage(operator.pid);
  const started = performance.now();
  const lags: number[] = [];
  const rss: number[] = [];
  while (performance.now() - started < ctx.env.BENCH_SCALE_SECONDS * 1000) {
    const index = Math.floor(Math.random() * size);
    const device = sim.ids[index] ?? "";
    if (sim.failing.has(device)) continue;
    sim.failing.add(device);
    const want = sim.failing.size;
    const seen = crs.until(name, (a) => (a?.failed ?? 0) >= want, 60_000, `failed ≥ ${want}`);
    const tBeat = performance.now();
    await sim.beat(index);
    lags.push((await seen) - tBeat);
    rss.push((await procUsage(operator.pid)).rss);
    await delay(1000);
  }
  const seconds = (performance.now() - started) / 1000;
  const usage1 = await procUsage(operator.pid);
  return {
    seconds,
    lags,
    rssMaxBytes: Math.max(...rss, usage1.rss),
    rssSamples: rss.length + 1,
    cpuCores: (usage1.cpuSeconds - usage0.cpuSeconds) / seconds,
    metricsBefore,
    metricsAfter: await metricsPage(operator),
    crVersions: (crs.versions.get(name) ?? 0) - versions0,
    natsInMsgs: (await natsInMsgs(ctx.connection.natsMonitorUrl)) - msgs0,
    heartbeats: sim.puts - beats0,
    heartbeatMaxGapMs: sim.maxGapMs,
  };
}

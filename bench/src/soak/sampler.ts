// The soak's sampling loop: every period, each measured process tree read
// from /proc with its probe's event-loop delay and V8 heap, the machine's load, the churn
// done so far, the dashboard's page times since the last sample, and the
// operator's own prom-client lag as a cross-check.
import { loadavg } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "../logger.js";
import { percentile } from "../stats.js";
import type { LagProbes } from "./lag-probes.js";
import { readTree } from "./proc-tree.js";
import {
  SOAK_PROCESSES,
  type ProcessSample,
  type SoakProcess,
  type SoakSample,
} from "./soak-series.js";

export interface SampledParts {
  pids: Record<SoakProcess, number>;
  probes: LagProbes;
  /** Churn operations done so far. */
  operations(): number;
  /** Dashboard page times since the last call. */
  pageTimes(): number[];
  /** The operator's prom-client event-loop p99, in seconds. */
  operatorLagSeconds(): Promise<number>;
  logger: Logger;
}

async function sampleProcess(pid: number, probes: LagProbes): Promise<ProcessSample | null> {
  const tree = await readTree(pid);
  if (tree.pids.length === 0) return null;
  const { lag, heapUsedMB, heapAfterGcMB } = await probes.latest(tree.pids);
  return {
    processes: tree.pids.length,
    rssMB: Math.round((tree.rssBytes / 1024 ** 2) * 10) / 10,
    fds: tree.fds,
    sockets: tree.sockets,
    cpuSeconds: Math.round(tree.cpuSeconds * 100) / 100,
    ...(lag === undefined ? {} : { lagP50Ms: lag.p50Ms, lagP99Ms: lag.p99Ms, lagMaxMs: lag.maxMs }),
    ...(heapUsedMB === undefined ? {} : { heapUsedMB }),
    ...(heapAfterGcMB === undefined ? {} : { heapAfterGcMB }),
  };
}

export class SoakSampler {
  readonly samples: SoakSample[] = [];
  /** Every dashboard page time taken while sampling. */
  readonly pageTimes: number[] = [];
  readonly #t0 = performance.now();

  constructor(private readonly parts: SampledParts) {}

  async #take(): Promise<SoakSample> {
    const { pids, probes } = this.parts;
    const readings = await Promise.all(
      SOAK_PROCESSES.map((name) => sampleProcess(pids[name], probes)),
    );
    const processes = Object.fromEntries(
      SOAK_PROCESSES.map((name, i) => [name, readings[i] ?? null]),
    ) as Record<SoakProcess, ProcessSample | null>;
    const pageMs = this.parts.pageTimes();
    this.pageTimes.push(...pageMs);
    const promLag = await this.parts.operatorLagSeconds().catch(() => undefined);
    return {
      t: Math.round((performance.now() - this.#t0) / 1000),
      at: new Date().toISOString(),
      load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      operations: this.parts.operations(),
      ...(promLag === undefined ? {} : { operatorPromLagP99Ms: Math.round(promLag * 1e5) / 100 }),
      ...(pageMs.length === 0 ? {} : { pageP50Ms: Math.round(percentile(pageMs, 50)) }),
      processes,
    };
  }

  /** Samples every `periodMs` from now until `untilMs` (performance.now), the last one included. */
  async run(periodMs: number, untilMs: number): Promise<void> {
    for (let next = this.#t0; next <= untilMs; next += periodMs) {
      await delay(Math.max(0, next - performance.now()));
      const sample = await this.#take();
      this.samples.push(sample);
      if (this.samples.length % 6 === 1)
        this.parts.logger.info(
          {
            minute: Math.round(sample.t / 60),
            rssMB: Object.fromEntries(SOAK_PROCESSES.map((n) => [n, sample.processes[n]?.rssMB])),
            operations: sample.operations,
            load1: sample.load1,
          },
          "soak sample",
        );
    }
  }
}

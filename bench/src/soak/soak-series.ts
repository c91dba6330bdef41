// What the soak records: one sample per period of each measured process, and
// the trends drawn from them (trend.ts).
import { trendOf, type Trend } from "./trend.js";

export const SOAK_PROCESSES = ["operator", "agent", "dashboard"] as const;
export type SoakProcess = (typeof SOAK_PROCESSES)[number];

export interface ProcessSample {
  /** How many processes the tree had (next start is one; a fork would show here). */
  processes: number;
  rssMB: number;
  fds: number;
  sockets: number;
  /** CPU time used so far (user+system), seconds. */
  cpuSeconds: number;
  /** The probe's event-loop delay over its last period (ms beyond a 10 ms timer); absent when none was fresh. */
  lagP50Ms?: number;
  lagP99Ms?: number;
  lagMaxMs?: number;
  /** V8 heap in use (the probe's last reading), MB. */
  heapUsedMB?: number;
  /** V8 heap left after the probe's latest forced full GC (once a minute), MB: what a leak grows. */
  heapAfterGcMB?: number;
}

export interface SoakSample {
  /** Seconds since the churn started. */
  t: number;
  at: string;
  /** The machine's 1-minute load average. */
  load1: number;
  /** Churn operations done so far. */
  operations: number;
  /** The operator's own prom-client p99 (nodejs_eventloop_lag_p99_seconds, raw timer delay), as a cross-check. */
  operatorPromLagP99Ms?: number;
  /** Median time of the dashboard pages fetched since the previous sample. */
  pageP50Ms?: number;
  /** Null when the process could not be read (it had exited). */
  processes: Record<SoakProcess, ProcessSample | null>;
}

export const SOAK_METRICS = [
  "rssMB",
  "heapUsedMB",
  "heapAfterGcMB",
  "fds",
  "sockets",
  "lagP99Ms",
] as const;
export type SoakMetric = (typeof SOAK_METRICS)[number];

export type SoakTrends = Record<SoakProcess, Partial<Record<SoakMetric, Trend>>>;

export function trendsOf(samples: readonly SoakSample[]): SoakTrends {
  const trends = {} as SoakTrends;
  for (const name of SOAK_PROCESSES) {
    const perMetric: Partial<Record<SoakMetric, Trend>> = {};
    for (const metric of SOAK_METRICS) {
      const points = samples.flatMap((s) => {
        const value = s.processes[name]?.[metric];
        return value === undefined ? [] : [{ t: s.t, value }];
      });
      const trend = trendOf(points);
      if (trend !== undefined) perMetric[metric] = trend;
    }
    trends[name] = perMetric;
  }
  return trends;
}

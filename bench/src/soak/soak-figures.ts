// The soak's figures for the usual JSON lines and table: per process the end
// value of RSS, of the heap after a full GC and of descriptors (start, max and
// slopes in the note) and the median event-loop p99; the churn, whether
// everything converged after it, and the dashboard's page times.
import { latencyFigure, percentile, valueFigure, type Figure } from "../stats.js";
import type { ChurnOperation } from "./churn.js";
import type { Convergence } from "./convergence.js";
import { SOAK_PROCESSES, type SoakSample, type SoakTrends } from "./soak-series.js";

export interface SoakOutcome {
  samples: readonly SoakSample[];
  trends: SoakTrends;
  sampleSeconds: number;
  counts: Record<ChurnOperation, number>;
  failedOperations: number;
  deployments: number;
  after: Convergence;
  agentContainers: number;
  agentDeployments: number;
  pageTimes: readonly number[];
  pages: { requests: number; failures: number };
}

const sum = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);

export function soakFigures(o: SoakOutcome): Figure[] {
  const figures: Figure[] = [];
  for (const name of SOAK_PROCESSES) {
    const { rssMB: rss, heapAfterGcMB: heap, fds } = o.trends[name];
    const lags = o.samples.flatMap((s) => s.processes[name]?.lagP99Ms ?? []);
    if (rss !== undefined)
      figures.push(
        valueFigure(`soak.${name}.rss`, rss.end, "MB", rss.n, {
          target: "flat",
          note: `start ${rss.start}, max ${rss.max}; slope ${String(rss.slopePerHour)} MB/h (second half ${String(rss.slopePerHourSecondHalf)} MB/h)`,
        }),
      );
    if (heap !== undefined)
      figures.push(
        valueFigure(`soak.${name}.heap_after_gc`, heap.end, "MB", heap.n, {
          target: "flat",
          note: `V8 heap left by a forced full GC (once a minute): start ${heap.start}, max ${heap.max}; slope ${String(heap.slopePerHour)} MB/h (second half ${String(heap.slopePerHourSecondHalf)} MB/h)`,
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
          note: `median of the ${String(o.sampleSeconds)} s windows' event-loop p99 (probe, beyond a 10 ms timer); worst window ${String(Math.max(...lags))} ms`,
        }),
      );
  }
  const operations = sum(o.counts);
  figures.push(
    valueFigure("soak.operations", operations, "operations", operations, {
      note: `${JSON.stringify(o.counts)}; failed ${String(o.failedOperations)}`,
    }),
    valueFigure("soak.operation_failures", o.failedOperations, "operations", operations, {
      target: "0",
    }),
    valueFigure("soak.converged_after_churn", o.after.converged, "deployments", o.deployments, {
      target: `= ${String(o.deployments)}`,
      note: `every target Running the current generation, ${String(o.after.ms)} ms after the churn stopped; agent containers running ${String(o.agentContainers)} of ${String(o.agentDeployments)}`,
    }),
    latencyFigure("soak.dashboard_page", o.pageTimes, {
      note: `signed-in page fetches (server render), ${String(o.pages.failures)} of ${String(o.pages.requests)} failed`,
    }),
  );
  return figures;
}

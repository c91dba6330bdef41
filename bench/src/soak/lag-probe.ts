// Preloaded into each measured process (`node --import <bundle>`; the soak
// builds the bundle with esbuild, its folder and period baked in): every period
// it appends the event loop's delay since the last line to <folder>/<pid>.jsonl.
// It reads perf_hooks' monitorEventLoopDelay, the histogram behind prom-client's
// nodejs_eventloop_lag_* metrics; only the operator serves those, so the probe
// measures the agent and the dashboard the same way as the operator. The
// histogram times a 10 ms timer: its resolution is taken off, so an idle loop
// reads about 0 ms.
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

declare const LAG_PROBE_DIR: string;
declare const LAG_PROBE_PERIOD_MS: number;

const RESOLUTION_MS = 10;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();

/** Delay beyond the timer's own period, in ms with two decimals. */
const lagMs = (ns: number): number =>
  Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);

// unref: the probe never keeps a process alive that would otherwise exit.
setInterval(() => {
  const line = {
    at: Date.now(),
    p50Ms: lagMs(histogram.percentile(50)),
    p99Ms: lagMs(histogram.percentile(99)),
    maxMs: lagMs(histogram.max),
    meanMs: lagMs(histogram.mean),
  };
  histogram.reset();
  try {
    // Opened and closed each time, so the probe holds no descriptor of its own.
    appendFileSync(`${LAG_PROBE_DIR}/${String(process.pid)}.jsonl`, `${JSON.stringify(line)}\n`);
  } catch {
    // The soak removed the folder at its end; nothing left to report to.
  }
}, LAG_PROBE_PERIOD_MS).unref();

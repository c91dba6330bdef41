// Preloaded into each measured process (`node --import <bundle>`; the soak
// builds the bundle with esbuild, its folder and periods baked in): every period
// it appends the event loop's delay since the last line and the V8 heap in use
// to <folder>/<pid>.jsonl.
// It reads perf_hooks' monitorEventLoopDelay, the histogram behind prom-client's
// nodejs_eventloop_lag_* metrics; only the operator serves those, so the probe
// measures the agent and the dashboard the same way as the operator. The
// histogram times a 10 ms timer: its resolution is taken off, so an idle loop
// reads about 0 ms.
// Every LAG_PROBE_GC_EVERY periods it first forces a full garbage collection and
// records the heap left after it (heapAfterGcMB): RSS and heapUsed also move as
// V8 and the allocator size themselves to the work, the heap after a full GC
// only when live objects pile up, so its slope tells a leak from warming up.
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

declare const LAG_PROBE_DIR: string;
declare const LAG_PROBE_PERIOD_MS: number;
declare const LAG_PROBE_GC_EVERY: number;

const RESOLUTION_MS = 10;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();

// `gc` without starting the app with --expose-gc: a context made after the flag has it.
setFlagsFromString("--expose-gc");
const fullGc = runInNewContext("gc") as () => void;

/** Delay beyond the timer's own period, in ms with two decimals. */
const lagMs = (ns: number): number =>
  Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
const mb = (bytes: number): number => Math.round((bytes / 1024 ** 2) * 10) / 10;

let periods = 0;

// unref: the probe never keeps a process alive that would otherwise exit.
setInterval(() => {
  const lag = {
    p50Ms: lagMs(histogram.percentile(50)),
    p99Ms: lagMs(histogram.percentile(99)),
    maxMs: lagMs(histogram.max),
    meanMs: lagMs(histogram.mean),
  };
  const { heapUsed, external } = process.memoryUsage();
  periods += 1;
  let afterGc: { heapAfterGcMB: number; gcMs: number } | undefined;
  if (periods % LAG_PROBE_GC_EVERY === 0) {
    const started = performance.now();
    fullGc();
    afterGc = {
      heapAfterGcMB: mb(process.memoryUsage().heapUsed),
      gcMs: Math.round(performance.now() - started),
    };
  }
  // Reset after the forced GC, so its pause is not counted as the app's delay.
  histogram.reset();
  const line = {
    at: Date.now(),
    ...lag,
    heapUsedMB: mb(heapUsed),
    externalMB: mb(external),
    ...afterGc,
  };
  try {
    // Opened and closed each time, so the probe holds no descriptor of its own.
    appendFileSync(`${LAG_PROBE_DIR}/${String(process.pid)}.jsonl`, `${JSON.stringify(line)}\n`);
  } catch {
    // The soak removed the folder at its end; nothing left to report to.
  }
}, LAG_PROBE_PERIOD_MS).unref();

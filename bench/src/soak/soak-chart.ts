// The memory charts of docs/performance.md, drawn from a soak's samples: a
// mermaid xychart-beta, one line per process, one point per minute (the last
// sample of each minute), in the order operator, agent, dashboard. RSS by
// default; the heap after a full GC is drawn the same way.
import { SOAK_PROCESSES, type SoakSample } from "./soak-series.js";

const AXES = { rssMB: "RSS (MB)", heapAfterGcMB: "heap after GC (MB)" } as const;

export function memoryChart(
  samples: readonly SoakSample[],
  title: string,
  metric: keyof typeof AXES = "rssMB",
): string {
  const minutes = Math.floor((samples.at(-1)?.t ?? 0) / 60);
  const perMinute = Array.from({ length: minutes + 1 }, (_, m) =>
    samples.filter((s) => s.t < (m + 1) * 60 && s.t >= m * 60).at(-1),
  );
  // A minute without a reading of a process (a slow sample) repeats the minute
  // before; before its first reading (no forced GC yet), it takes that reading.
  const lines = SOAK_PROCESSES.map((name) => {
    const first = samples.map((s) => s.processes[name]?.[metric]).find((v) => v !== undefined);
    let previous = Math.round(first ?? 0);
    return perMinute.map((s) => (previous = Math.round(s?.processes[name]?.[metric] ?? previous)));
  });
  const top = Math.max(0, ...lines.flat());
  const ceiling = Math.ceil((top * 1.1) / 50) * 50;
  return [
    "xychart-beta",
    `    title "${title}"`,
    `    x-axis "minutes" 0 --> ${String(minutes)}`,
    `    y-axis "${AXES[metric]}" 0 --> ${String(ceiling)}`,
    ...lines.map((line) => `    line [${line.join(", ")}]`),
  ].join("\n");
}

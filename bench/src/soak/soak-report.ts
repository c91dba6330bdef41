// The soak's own output beside the usual figures: its samples, trends and
// settings in bench/results/soak-<date>.json (a file of its own: a time series
// does not belong among the day's figures; a rerun the same day replaces it),
// the memory chart, and a summary table on stdout.
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { formatTable } from "../report.js";
import type { Trend } from "./trend.js";
import { SOAK_METRICS, SOAK_PROCESSES, type SoakTrends } from "./soak-series.js";

const RESULTS = fileURLToPath(new URL("../../results/", import.meta.url));

const UNITS: Record<(typeof SOAK_METRICS)[number], string> = {
  rssMB: "MB RSS",
  heapUsedMB: "MB heap used",
  heapAfterGcMB: "MB heap after GC",
  fds: "fds",
  sockets: "sockets",
  lagP99Ms: "ms lag p99",
};

export async function saveSoak(startedAt: string, record: object): Promise<string> {
  const file = `${RESULTS}soak-${startedAt.slice(0, 10)}.json`;
  await writeFile(file, await format(JSON.stringify(record), { parser: "json" }));
  return file;
}

const cell = (x: number | null): string => (x === null ? "n/a" : String(x));

export function printSoakSummary(trends: SoakTrends, minutes: number, chart: string): void {
  const header = ["process", "metric", "start", "end", "min", "max", "slope/h", "slope/h 2nd half"];
  const rows: string[][] = [];
  for (const name of SOAK_PROCESSES) {
    for (const metric of SOAK_METRICS) {
      const t: Trend | undefined = trends[name][metric];
      if (t === undefined) continue;
      rows.push([
        name,
        UNITS[metric],
        cell(t.start),
        cell(t.end),
        cell(t.min),
        cell(t.max),
        cell(t.slopePerHour),
        cell(t.slopePerHourSecondHalf),
      ]);
    }
  }
  process.stdout.write(`\n== soak: ${String(minutes)} min ==\n${formatTable(header, rows)}`);
  process.stdout.write(`\n\`\`\`mermaid\n${chart}\n\`\`\`\n\n`);
}

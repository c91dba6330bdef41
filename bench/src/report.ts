// Output: one JSON line per figure on stdout, a table after each benchmark, and
// the day's results file (bench/results/<date>.json), where a rerun of one
// benchmark replaces that benchmark's figures and keeps the others.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import type { Machine } from "./machine.js";
import type { Figure } from "./stats.js";

const RESULTS = fileURLToPath(new URL("../results/", import.meta.url));

export interface BenchRun {
  benchmark: string;
  startedAt: string;
  durationSeconds: number;
  machineBefore: Machine;
  machineAfter: Machine;
  figures: Figure[];
  error?: string;
}

export function printFigures(figures: readonly Figure[]): void {
  for (const figure of figures) process.stdout.write(`${JSON.stringify(figure)}\n`);
}

const cell = (value: number | undefined): string => (value === undefined ? "" : String(value));

export function printTable(benchmark: string, figures: readonly Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    cell(f.n),
    cell(f.p50),
    cell(f.p95),
    cell(f.p99),
    cell(f.floor),
    cell(f.ratio),
    f.target ?? "",
  ]);
  const header = ["figure", "value", "n", "p50", "p95", "p99", "floor", "ratio", "target"];
  process.stdout.write(`\n== ${benchmark} ==\n${formatTable(header, rows)}\n`);
}

/** Columns padded to their widest cell, two spaces apart; one line per row, the header first. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [header, ...rows].map((cells) => `${line(cells)}\n`).join("");
}

export async function saveRun(run: BenchRun): Promise<string> {
  await mkdir(RESULTS, { recursive: true });
  const file = `${RESULTS}${run.startedAt.slice(0, 10)}.json`;
  const previous = await readFile(file, "utf8")
    .then((text) => JSON.parse(text) as { runs: BenchRun[] })
    .catch(() => ({ runs: [] as BenchRun[] }));
  const runs = [...previous.runs.filter((r) => r.benchmark !== run.benchmark), run];
  // Formatted as the repository's prettier would, so the committed file stays clean.
  await writeFile(file, await format(JSON.stringify({ runs }), { parser: "json" }));
  return file;
}

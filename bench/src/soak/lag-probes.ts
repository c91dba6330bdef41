// The soak's process probes: builds lag-probe.ts into one .mjs with its output
// folder and periods baked in (no environment variable reaches into the
// measured apps), and reads what each process wrote.
import { build } from "esbuild";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE = fileURLToPath(new URL("./lag-probe.ts", import.meta.url));

/** One line of a probe. */
interface ProbeLine {
  /** When the probe wrote it (epoch ms). */
  at: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  heapUsedMB?: number;
  externalMB?: number;
  /** Only on the lines that forced a full GC first. */
  heapAfterGcMB?: number;
  gcMs?: number;
}

export type LagReading = Pick<ProbeLine, "at" | "p50Ms" | "p99Ms" | "maxMs" | "meanMs">;

export interface ProbeReading {
  /** The worst p99 of the tree's fresh readings; undefined when none is fresh. */
  lag?: LagReading;
  /** V8 heap in use, summed over the tree's fresh readings. */
  heapUsedMB?: number;
  /** The heap left after the latest forced full GC, summed over the tree. */
  heapAfterGcMB?: number;
}

const sumOf = (values: number[]): number | undefined =>
  values.length === 0 ? undefined : Math.round(values.reduce((a, b) => a + b, 0) * 10) / 10;

export class LagProbes {
  private constructor(
    /** `--import <this>` loads the probe. */
    readonly module: string,
    private readonly folder: string,
    private readonly periodMs: number,
    private readonly gcEvery: number,
  ) {}

  /** Probes writing every `periodMs`, with a forced full GC before every `gcEvery`-th line. */
  static async build(periodMs: number, gcEvery = 6): Promise<LagProbes> {
    const folder = await mkdtemp(join(tmpdir(), "bench-soak-lag-"));
    const module = join(folder, "lag-probe.mjs");
    await build({
      entryPoints: [SOURCE],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      outfile: module,
      logLevel: "error",
      define: {
        LAG_PROBE_DIR: JSON.stringify(folder),
        LAG_PROBE_PERIOD_MS: String(periodMs),
        LAG_PROBE_GC_EVERY: String(gcEvery),
      },
    });
    return new LagProbes(module, folder, periodMs, gcEvery);
  }

  async #lines(pid: number): Promise<ProbeLine[]> {
    const text = await readFile(join(this.folder, `${String(pid)}.jsonl`), "utf8").catch(() => "");
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as ProbeLine);
  }

  /** What the processes `pids` (one tree) wrote lately: lines within two periods, GC lines within two GC periods. */
  async latest(pids: readonly number[]): Promise<ProbeReading> {
    const now = Date.now();
    const fresh: ProbeLine[] = [];
    const afterGc: number[] = [];
    for (const pid of pids) {
      const lines = await this.#lines(pid);
      const last = lines.at(-1);
      if (last !== undefined && now - last.at <= 2 * this.periodMs) fresh.push(last);
      const gcLine = lines.findLast((line) => line.heapAfterGcMB !== undefined);
      if (
        gcLine?.heapAfterGcMB !== undefined &&
        now - gcLine.at <= 2 * this.gcEvery * this.periodMs
      )
        afterGc.push(gcLine.heapAfterGcMB);
    }
    const worst = [...fresh].sort((a, b) => b.p99Ms - a.p99Ms)[0];
    const heapUsedMB = sumOf(fresh.flatMap((line) => line.heapUsedMB ?? []));
    const heapAfterGcMB = sumOf(afterGc);
    return {
      ...(worst === undefined
        ? {}
        : {
            lag: {
              at: worst.at,
              p50Ms: worst.p50Ms,
              p99Ms: worst.p99Ms,
              maxMs: worst.maxMs,
              meanMs: worst.meanMs,
            },
          }),
      ...(heapUsedMB === undefined ? {} : { heapUsedMB }),
      ...(heapAfterGcMB === undefined ? {} : { heapAfterGcMB }),
    };
  }

  async remove(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
  }
}

// The soak's event-loop probes: builds lag-probe.ts into one .mjs with its
// output folder and period baked in (no environment variable reaches into the
// measured apps), and reads what each process wrote.
import { build } from "esbuild";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE = fileURLToPath(new URL("./lag-probe.ts", import.meta.url));

export interface LagReading {
  /** When the probe wrote it (epoch ms). */
  at: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export class LagProbes {
  private constructor(
    /** `--import <this>` loads the probe. */
    readonly module: string,
    private readonly folder: string,
    private readonly periodMs: number,
  ) {}

  static async build(periodMs: number): Promise<LagProbes> {
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
      },
    });
    return new LagProbes(module, folder, periodMs);
  }

  /** The last line of each pid written within two periods, the worst p99 first; undefined when none is fresh. */
  async latest(pids: readonly number[]): Promise<LagReading | undefined> {
    const fresh: LagReading[] = [];
    for (const pid of pids) {
      const text = await readFile(join(this.folder, `${String(pid)}.jsonl`), "utf8").catch(
        () => "",
      );
      const last = text.trimEnd().split("\n").at(-1);
      if (last === undefined || last === "") continue;
      const reading = JSON.parse(last) as LagReading;
      if (Date.now() - reading.at <= 2 * this.periodMs) fresh.push(reading);
    }
    return fresh.sort((a, b) => b.p99Ms - a.p99Ms)[0];
  }

  async remove(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
  }
}

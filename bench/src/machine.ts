// The machine a run happened on, for the results file and docs/performance.md.
import { readFile } from "node:fs/promises";
import { availableParallelism, freemem, loadavg, totalmem } from "node:os";

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryTotalMB: number;
  memoryFreeMB: number;
  loadAverage: number[];
}

export async function describeMachine(): Promise<Machine> {
  const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  return {
    nproc: availableParallelism(),
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    memoryTotalMB: Math.round(totalmem() / 1024 ** 2),
    memoryFreeMB: Math.round(freemem() / 1024 ** 2),
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

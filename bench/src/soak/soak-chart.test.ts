import { describe, expect, it } from "vitest";
import { memoryChart } from "./soak-chart.js";
import type { ProcessSample, SoakSample } from "./soak-series.js";

const reading = (rssMB: number): ProcessSample => ({
  processes: 1,
  rssMB,
  heapAfterGcMB: rssMB / 4,
  fds: 30,
  sockets: 10,
  cpuSeconds: 1,
});

const sample = (t: number, operator: number, agent: number | null): SoakSample => ({
  t,
  at: new Date(t * 1000).toISOString(),
  load1: 1,
  operations: 0,
  processes: {
    operator: reading(operator),
    agent: agent === null ? null : reading(agent),
    dashboard: reading(300),
  },
});

describe("soak chart", () => {
  it("soak chart - one point per minute per process (the minute's last sample), y axis above the top", () => {
    const chart = memoryChart(
      [sample(0, 100, 80), sample(30, 110, 81), sample(70, 120, 82), sample(130, 121.4, 83)],
      "RSS",
    );
    expect(chart.split("\n")).toEqual([
      "xychart-beta",
      '    title "RSS"',
      '    x-axis "minutes" 0 --> 2',
      '    y-axis "RSS (MB)" 0 --> 350',
      "    line [110, 120, 121]",
      "    line [81, 82, 83]",
      "    line [300, 300, 300]",
    ]);
  });

  it("soak chart - a process not read in a minute keeps the minute before's value", () => {
    const chart = memoryChart([sample(0, 100, 80), sample(70, 100, null)], "RSS");
    expect(chart).toContain("    line [80, 80]");
  });

  it("soak chart - a minute before a process's first reading takes that reading, not 0", () => {
    const beforeFirstGc = sample(0, 100, 80);
    beforeFirstGc.processes.agent = {
      processes: 1,
      rssMB: 80,
      fds: 30,
      sockets: 10,
      cpuSeconds: 1,
    };
    const chart = memoryChart([beforeFirstGc, sample(70, 100, 88)], "heap", "heapAfterGcMB");
    expect(chart).toContain("    line [22, 22]");
  });

  it("soak chart - the heap after GC is drawn the same way, on its own axis", () => {
    const chart = memoryChart([sample(0, 100, 80), sample(70, 120, 84)], "heap", "heapAfterGcMB");
    expect(chart).toContain('    y-axis "heap after GC (MB)" 0 --> 100');
    expect(chart).toContain("    line [25, 30]");
    expect(chart).toContain("    line [20, 21]");
  });
});

import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LagProbes } from "./lag-probes.js";
import { readTree } from "./proc-tree.js";
import { SoakSampler } from "./sampler.js";
import { createLogger } from "../logger.js";

let probes: LagProbes;
/** Probes that force a full GC on every line. */
let gcProbes: LagProbes;

beforeAll(async () => {
  probes = await LagProbes.build(200);
  gcProbes = await LagProbes.build(200, 1);
});

afterAll(async () => {
  await probes.remove();
  await gcProbes.remove();
});

/** A node process with the probe preloaded that blocks its loop for `blockMs` once, then idles. */
function probed(blockMs: number) {
  return execa(
    process.execPath,
    [
      "--import",
      probes.module,
      "-e",
      `setTimeout(() => { const t = Date.now(); while (Date.now() - t < ${String(blockMs)}); }, 300); setTimeout(() => {}, 2500);`,
    ],
    { reject: false },
  );
}

describe("soak lag probe", () => {
  it("soak lag probe - a preloaded process reports its event-loop delay, a blocked loop as such", async () => {
    const child = probed(400);
    const pid = child.pid ?? 0;
    let worst = 0;
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline) {
      worst = Math.max(worst, (await probes.latest([pid])).lag?.maxMs ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await child;
    // The 400 ms block shows (timer resolution taken off), far above an idle loop's.
    expect(worst).toBeGreaterThan(300);
    expect(await probes.latest([999_999_999])).toEqual({});
  });

  it("soak lag probe - reports the V8 heap in use, and what a forced full GC leaves of it", async () => {
    // 40 MB of garbage, then 30 MB kept: after a full GC the kept part remains, the garbage goes.
    const child = execa(
      process.execPath,
      [
        "--import",
        gcProbes.module,
        "-e",
        `let junk = Array.from({ length: 40 }, () => new Array(128 * 1024).fill(1.5)); junk = null;
         globalThis.kept = Array.from({ length: 30 }, () => new Array(128 * 1024).fill(2.5));
         setTimeout(() => {}, 1500);`,
      ],
      { reject: false },
    );
    const pid = child.pid ?? 0;
    let afterGc: number | undefined;
    let used: number | undefined;
    const deadline = Date.now() + 1400;
    while (Date.now() < deadline && afterGc === undefined) {
      const reading = await gcProbes.latest([pid]);
      afterGc = reading.heapAfterGcMB;
      used = reading.heapUsedMB ?? used;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await child;
    expect(used).toBeGreaterThan(25);
    // The kept 30 MB (each array 1 MB of doubles), not the 70 MB allocated.
    expect(afterGc).toBeGreaterThan(28);
    expect(afterGc).toBeLessThan(60);
  });

  it("soak lag probe - the process stops when its work ends: the probe keeps nothing alive", async () => {
    const started = Date.now();
    const result = await execa(process.execPath, ["--import", probes.module, "-e", "1"]);
    expect(result.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("soak sampler", () => {
  it("soak sampler - reads RSS, descriptors and CPU of a process tree from /proc, one sample per period", async () => {
    const tree = await readTree(process.pid);
    expect(tree.pids[0]).toBe(process.pid);
    expect(tree.rssBytes).toBeGreaterThan(0);
    expect(tree.fds).toBeGreaterThan(2);

    const sampler = new SoakSampler({
      pids: { operator: process.pid, agent: process.pid, dashboard: process.pid },
      probes,
      operations: () => 7,
      pageTimes: () => [10, 30, 20],
      operatorLagSeconds: () => Promise.reject(new Error("no /metrics here")),
      logger: createLogger("silent"),
    });
    await sampler.run(100, performance.now() + 250);
    expect(sampler.samples.length).toBeGreaterThanOrEqual(3);
    const [first] = sampler.samples;
    expect(first?.processes.agent?.rssMB).toBeGreaterThan(0);
    expect(first?.operations).toBe(7);
    expect(first?.pageP50Ms).toBe(20);
    expect(first?.operatorPromLagP99Ms).toBeUndefined();
    expect(sampler.pageTimes).toHaveLength(3 * sampler.samples.length);
  });
});

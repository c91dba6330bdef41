import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LagProbes } from "./lag-probes.js";
import { readTree } from "./proc-tree.js";
import { SoakSampler } from "./sampler.js";
import { createLogger } from "../logger.js";

let probes: LagProbes;

beforeAll(async () => {
  probes = await LagProbes.build(200);
});

afterAll(async () => {
  await probes.remove();
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
      worst = Math.max(worst, (await probes.latest([pid]))?.maxMs ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await child;
    // The 400 ms block shows (timer resolution taken off), far above an idle loop's.
    expect(worst).toBeGreaterThan(300);
    expect(await probes.latest([999_999_999])).toBeUndefined();
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

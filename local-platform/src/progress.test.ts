import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createStepProgress,
  formatDuration,
  formatEstimate,
} from "../../scripts/step-progress.mjs";

function recorder(): {
  out: { write: (text: string) => boolean; isTTY: false };
  text: () => string;
} {
  let text = "";
  return {
    out: {
      isTTY: false,
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
    },
    text: () => text,
  };
}

const estimate = { key: "build-etcd", guessSeconds: 160 };

describe("progress - lines, estimates and failures", () => {
  it("formats durations and estimates for people", () => {
    expect(formatDuration(4.23)).toBe("4.2s");
    expect(formatDuration(185)).toBe("3m 05s");
    expect(formatEstimate(160)).toBe("~3 min");
    expect(formatEstimate(42)).toBe("~42s");
  });

  it("shows the built-in guess on a first run, then the step's last duration", async () => {
    const durationsFile = join(await mkdtemp(join(tmpdir(), "progress-")), "durations.json");
    const buildEtcd = async (): Promise<string> => {
      const { out, text } = recorder();
      await createStepProgress({ prefix: "demo", out, durationsFile }).step(
        "build etcd",
        () => Promise.resolve(),
        { estimate },
      );
      return text();
    };
    const first = await buildEtcd();
    expect(first).toContain("[demo] … build etcd (~3 min)\n");
    expect(first).toMatch(/\[demo\] ✓ build etcd \(\d+\.\ds\)\n/);

    await writeFile(durationsFile, JSON.stringify({ "build-etcd": 400 }));
    expect(await buildEtcd()).toContain("[demo] … build etcd (~7 min)\n");
    // And it remembered this run's duration for the next one.
    expect(JSON.parse(await readFile(durationsFile, "utf8"))).toEqual({ "build-etcd": 0 });
  });

  it("gives a short step no estimate", async () => {
    const { out, text } = recorder();
    await createStepProgress({ prefix: "demo", out }).step("start etcd", () => Promise.resolve(), {
      estimate: { key: "start-etcd", guessSeconds: 2 },
    });
    expect(text()).toContain("[demo] … start etcd\n");
  });

  it("prints the last 20 lines of a failed step's log and its path, without EBADENGINE noise", async () => {
    const dir = await mkdtemp(join(tmpdir(), "progress-"));
    const log = join(dir, "setup.log");
    const lines = Array.from({ length: 30 }, (_, i) => `line ${String(i + 1)}`);
    lines.splice(25, 0, "npm warn EBADENGINE Unsupported engine {");
    await writeFile(log, `${lines.join("\n")}\n`);
    const { out, text } = recorder();
    const failing = createStepProgress({ prefix: "setup", out }).step(
      "install npm dependencies",
      () => Promise.reject(new Error("npm ci exited with 1")),
      { log },
    );
    await expect(failing).rejects.toThrow("npm ci exited with 1");
    expect(text()).toMatch(/✗ install npm dependencies \(failed after/);
    expect(text()).toContain(`last lines of ${log}:\nline 11\n`);
    expect(text()).toContain("line 30\n");
    expect(text()).not.toContain("line 10\n");
    expect(text()).not.toContain("EBADENGINE");
  });

  it("reports a step that fails after a stop as stopped, without its log", async () => {
    const stop = new AbortController();
    stop.abort();
    const { out, text } = recorder();
    const failing = createStepProgress({ prefix: "demo", out, signal: stop.signal }).step(
      "build kube-apiserver",
      () => Promise.reject(new Error("killed")),
      { log: "/nonexistent/build-kube.log" },
    );
    await expect(failing).rejects.toThrow("killed");
    expect(text()).toMatch(/✗ build kube-apiserver \(stopped after \d/);
    expect(text()).not.toContain("build-kube.log");
  });
});

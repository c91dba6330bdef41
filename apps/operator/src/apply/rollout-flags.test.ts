import { formatProblem, isConfigError } from "@fleet/runtime";
import { describe, expect, it } from "vitest";
import { appliedBody, printableManifest } from "./apply.js";
import { manifestFromFlags } from "./manifest-from-flags.js";
import { parseBatches, parseQuantity } from "./rollout-flags.js";

const nginx = {
  name: "web",
  targetDevice: ["pi-1"],
  image: "localhost/fleet-nginx:1.0",
};

function configMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error.problems.map(formatProblem).join("\n");
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("apply - rollout flags to spec.rollout", () => {
  it("reads batch sizes as counts and percentages, in order", () => {
    expect(parseBatches("1, 25%,50%")).toEqual([
      { count: 1 },
      { percentage: 25 },
      { percentage: 50 },
    ]);
    expect(parseQuantity("10%", "max-unavailable")).toEqual({ percentage: 10 });
    expect(parseQuantity("2", "max-unavailable")).toEqual({ count: 2 });
  });

  it("builds spec.rollout from every flag, the schema's defaults for the rest", () => {
    const manifest = manifestFromFlags({
      ...nginx,
      batches: "1,25%,50%",
      successThreshold: "80",
      maxUnavailable: "20%",
      batchTimeout: "10m",
      pauseBetweenBatches: "30s",
      approval: "manual",
      onFailure: "pause",
    });
    expect(manifest.spec.rollout).toEqual({
      batches: [{ count: 1 }, { percentage: 25 }, { percentage: 50 }],
      successThreshold: 80,
      maxUnavailable: { percentage: 20 },
      batchTimeout: "10m",
      pauseBetweenBatches: "30s",
      approval: "manual",
      onFailure: "pause",
      paused: false,
    });
    expect(manifestFromFlags({ ...nginx, batches: "2" }).spec.rollout).toEqual({
      batches: [{ count: 2 }],
      successThreshold: 90,
      batchTimeout: "30m",
      pauseBetweenBatches: "0s",
      approval: "auto",
      onFailure: "rollback",
      paused: false,
    });
  });

  it("has no spec.rollout without rollout flags (all devices at once)", () => {
    expect(manifestFromFlags(nginx).spec.rollout).toBeUndefined();
  });

  it("never sends spec.rollout.paused, so applying again does not resume a paused rollout", () => {
    const manifest = manifestFromFlags({ ...nginx, batches: "1,50%" });
    const body = appliedBody(manifest) as { spec: { rollout: Record<string, unknown> } };
    expect(body.spec.rollout).not.toHaveProperty("paused");
    expect(body.spec.rollout.batches).toEqual([{ count: 1 }, { percentage: 50 }]);
    expect(JSON.parse(printableManifest(manifest))).not.toHaveProperty("spec.rollout.paused");
    expect(appliedBody(manifestFromFlags(nginx))).toEqual(manifestFromFlags(nginx));
  });

  it("names the flag of a value the text form cannot be", () => {
    expect(configMessage(() => manifestFromFlags({ ...nginx, batches: "1,,50%" }))).toBe(
      '--batches (flag) = "1,,50%": batch 2 is empty; list sizes separated by commas, e.g. 1,25%,50%',
    );
    expect(configMessage(() => manifestFromFlags({ ...nginx, batches: "1,half" }))).toBe(
      '--batches (flag) = "1,half": "half" is neither a count (e.g. 5) nor a percentage (e.g. 25%)',
    );
    expect(
      configMessage(() => manifestFromFlags({ ...nginx, batches: "1", successThreshold: "most" })),
    ).toBe('--success-threshold (flag) = "most": expected a whole percentage 0 to 100, e.g. 90');
    expect(
      configMessage(() => manifestFromFlags({ ...nginx, batches: "1", maxUnavailable: "-1" })),
    ).toBe('--max-unavailable (flag) = "-1": expected a count (e.g. 5) or a percentage (e.g. 25%)');
  });

  it("names the flag of a value the contract refuses, with the field and the rule", () => {
    const message = (flags: Record<string, string>): string =>
      configMessage(() => manifestFromFlags({ ...nginx, batches: "1", ...flags }));
    expect(message({ batches: "0,150%" }).split("\n")).toEqual([
      "--batches (flag): spec.rollout.batches[0].count: must be at least 1",
      "--batches (flag): spec.rollout.batches[1].percentage: must be 1 to 100",
    ]);
    expect(message({ successThreshold: "101" })).toBe(
      "--success-threshold (flag): spec.rollout.successThreshold: must be 0 to 100",
    );
    expect(message({ maxUnavailable: "0" })).toBe(
      "--max-unavailable (flag): spec.rollout.maxUnavailable.count: must be at least 1",
    );
    expect(message({ batchTimeout: "soon" })).toBe(
      "--batch-timeout (flag): spec.rollout.batchTimeout: must be a duration such as 30s, 10m or 24h",
    );
    expect(message({ pauseBetweenBatches: "1 week" })).toMatch(
      /^--pause-between-batches \(flag\): spec\.rollout\.pauseBetweenBatches: must be a duration/,
    );
    expect(message({ approval: "maybe" })).toMatch(
      /^--approval \(flag\): spec\.rollout\.approval: .*"auto".*"manual"/,
    );
    expect(message({ onFailure: "retry" })).toMatch(
      /^--on-failure \(flag\): spec\.rollout\.onFailure: .*"pause".*"rollback"/,
    );
    expect(message({ batches: Array.from({ length: 21 }, () => "1").join(",") })).toBe(
      "--batches (flag): spec.rollout.batches: must list at most 20 batches",
    );
  });

  it("wants --batches with any other rollout flag, saying so", () => {
    expect(configMessage(() => manifestFromFlags({ ...nginx, approval: "manual" }))).toBe(
      '--batches is required with the other rollout flags: list the batch sizes, e.g. --batches "1,25%,50%"',
    );
  });
});

import { describe, expect, it } from "vitest";
import { formatProblem, isConfigError } from "@fleet/runtime";
import { appliedBody, printableManifest } from "./apply.js";
import { identityFromFlags, manifestFromFlags, parsePortFlag } from "./manifest-from-flags.js";
import { parseBatches, parseQuantity } from "./rollout-flags.js";

const nginx = {
  name: "web",
  namespace: "demo",
  targetDevice: ["demo-device-1"],
  image: "localhost/fleet-nginx:1.0",
  port: ["8080:80"],
};

/** The problems of the ConfigError that `run` throws, one line each as the CLI prints them. */
function configMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error.problems.map(formatProblem).join("\n");
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("apply - flags to a typed Deployment", () => {
  it("builds the CR the operator expects", () => {
    const manifest = manifestFromFlags(nginx);
    expect(manifest.metadata).toMatchObject({ name: "web", namespace: "demo" });
    expect(manifest.spec.targetDevices).toEqual(["demo-device-1"]);
    expect(manifest.spec.score.PodmanV0.services).toEqual([
      {
        name: "main",
        image: "localhost/fleet-nginx:1.0",
        ports: [{ hostPort: 8080, containerPort: 80, protocol: "TCP" }],
      },
    ]);
  });

  it("parses host:container ports with an optional protocol", () => {
    expect(parsePortFlag("5353:53/udp")).toEqual({
      hostPort: 5353,
      containerPort: 53,
      protocol: "UDP",
    });
    expect(configMessage(() => parsePortFlag("80"))).toMatch(
      /^--port \(flag\) = "80": expected HOST:CONTAINER/,
    );
  });

  it("names the flag when a value breaks the contract, by the field it fills", () => {
    expect(configMessage(() => manifestFromFlags({ ...nginx, targetDevice: [] }))).toMatch(
      /^--target-device \(flag\): spec\.targetDevices: /,
    );
    expect(configMessage(() => manifestFromFlags({ ...nginx, port: ["70000:80"] }))).toMatch(
      /^--port \(flag\): spec\.score\.PodmanV0\.services\[0\]\.ports\[0\]\.hostPort: /,
    );
    expect(configMessage(() => manifestFromFlags({ ...nginx, serviceName: "Bad_Name" }))).toMatch(
      /^--service-name \(flag\): spec\.score\.PodmanV0\.services\[0\]\.name: /,
    );
    expect(configMessage(() => manifestFromFlags({ ...nginx, name: "Web_1" }))).toMatch(
      /^--name \(flag\) = "Web_1": /,
    );
    expect(configMessage(() => manifestFromFlags({ ...nginx, image: undefined }))).toBe(
      "--image is required",
    );
  });

  it("names each flag of its own when several values break the contract", () => {
    const lines = configMessage(() =>
      manifestFromFlags({ ...nginx, targetDevice: [], port: ["8080:80", "8080:81"] }),
    ).split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^--target-device \(flag\): spec\.targetDevices: /);
    expect(lines[1]).toMatch(/^--port \(flag\): spec\.score\.PodmanV0\.services\[0\]\.ports/);
  });

  it("targets devices by label with --selector (kubectl syntax)", () => {
    const { targetDevice: _, ...noDevices } = nginx;
    const manifest = manifestFromFlags({
      ...noDevices,
      selector: "app=kiosk,region in (eu,us),!legacy",
    });
    expect(manifest.spec.targetDevices).toBeUndefined();
    expect(manifest.spec.targetSelector).toEqual({
      matchLabels: { app: "kiosk" },
      matchExpressions: [
        { key: "region", operator: "In", values: ["eu", "us"] },
        { key: "legacy", operator: "DoesNotExist" },
      ],
    });
  });

  it("wants exactly one of --target-device and --selector, saying so", () => {
    const { targetDevice: _, ...noDevices } = nginx;
    expect(configMessage(() => manifestFromFlags(noDevices))).toBe(
      "give the devices to run on with --target-device <id> (repeatable) or --selector <selector>",
    );
    expect(configMessage(() => manifestFromFlags({ ...nginx, selector: "app=kiosk" }))).toMatch(
      /^--target-device and --selector cannot be used together/,
    );
  });

  it("names --selector and the position of a syntax error in it", () => {
    const { targetDevice: _, ...noDevices } = nginx;
    expect(
      configMessage(() => manifestFromFlags({ ...noDevices, selector: "app=kiosk,region in (eu" })),
    ).toMatch(/^--selector \(flag\) = "app=kiosk,region in \(eu": .*at character \d+/);
    expect(configMessage(() => manifestFromFlags({ ...noDevices, selector: "" }))).toMatch(
      /^--selector \(flag\) = "": is empty/,
    );
  });

  it("needs only the identity to delete", () => {
    expect(identityFromFlags({ name: "web.v2" })).toEqual({ name: "web.v2", namespace: "default" });
  });
});

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

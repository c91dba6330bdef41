import { describe, expect, it } from "vitest";
import { formatProblem, isConfigError } from "@fleet/runtime";
import { identityFromFlags, manifestFromFlags, parsePortFlag } from "./manifest-from-flags.js";

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

import { chmod } from "node:fs/promises";
import { freePort } from "@fleet/local-platform/testing";
import { platformProvisioning } from "@fleet/provisioning/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDoctorProcess } from "../testing/agent-process.js";
import { createFixture, type Fixture } from "../testing/fixture.js";

const CHECK_NAMES = [
  "key file readable and private",
  "token issued",
  "NATS accepts the connection",
  "own keys readable",
  "another device's key refused",
  "podman socket answers",
];

/** The report's check lines as [mark, check name], in order. */
const marks = (lines: string[]): [string, string][] =>
  lines.slice(0, CHECK_NAMES.length).map((line) => {
    const [mark = "", ...rest] = line.split(" ");
    return [mark, rest.join(" ").split(":")[0] ?? ""];
  });

const lineOf = (lines: string[], check: string): string =>
  lines.find((line) => line.slice(2).startsWith(`${check}:`)) ?? `(no line for ${check})`;

describe("agent - iot-agent doctor", () => {
  let fx: Fixture;

  beforeAll(async () => {
    fx = await createFixture();
  });

  afterAll(async () => {
    await fx.cleanup();
  });

  it("doctor - every check passes for a good credential, and it exits 0", async () => {
    const device = await fx.provision("doc-good");
    const run = await runDoctorProcess(await fx.agentArgs(device));
    expect(run.stderr).toBe("");
    expect(marks(run.lines), run.lines.join("\n")).toEqual(CHECK_NAMES.map((name) => ["✓", name]));
    expect(run.lines.at(-1)).toBe("all 6 checks passed");
    expect(run.exitCode).toBe(0);
    expect(lineOf(run.lines, "another device's key refused")).toContain("permissions violation");
  });

  it("doctor - a key file that others may read fails its check, with chmod 600, and the rest still run", async () => {
    const device = await fx.provision("doc-mode");
    await chmod(device.credentialsFile, 0o644);
    const run = await runDoctorProcess(await fx.agentArgs(device));
    expect(marks(run.lines), run.lines.join("\n")).toEqual(
      CHECK_NAMES.map((name, i) => [i === 0 ? "✗" : "✓", name]),
    );
    expect(lineOf(run.lines, "key file readable and private")).toContain(
      `(mode 0644); it holds a private key: run \`chmod 600 ${device.credentialsFile}\``,
    );
    expect(run.lines.at(-1)).toBe("1 failed of 6 checks");
    expect(run.exitCode).toBe(1);
  });

  it("doctor - a wrong NATS URL fails the connection, says why, and podman is still checked", async () => {
    const device = await fx.provision("doc-url");
    const wrong = `nats://127.0.0.1:${await freePort()}`;
    const run = await runDoctorProcess({ ...(await fx.agentArgs(device)), natsUrl: wrong });
    expect(marks(run.lines), run.lines.join("\n")).toEqual([
      ["✓", "key file readable and private"],
      ["✓", "token issued"],
      ["✗", "NATS accepts the connection"],
      ["✗", "own keys readable"],
      ["✗", "another device's key refused"],
      ["✓", "podman socket answers"],
    ]);
    expect(lineOf(run.lines, "NATS accepts the connection")).toContain(wrong);
    expect(lineOf(run.lines, "own keys readable")).toContain(
      "not checked: needs a NATS connection",
    );
    expect(run.lines.at(-1)).toBe("1 failed, 2 not run of 6 checks");
    expect(run.exitCode).toBe(1);
  });

  it("doctor - a disabled device is refused its token, and says so", async () => {
    const device = await fx.provision("doc-disabled");
    await (await platformProvisioning()).disableDevice(device.device);
    const run = await runDoctorProcess(await fx.agentArgs(device));
    expect(marks(run.lines), run.lines.join("\n")).toEqual([
      ["✓", "key file readable and private"],
      ["✗", "token issued"],
      ["✗", "NATS accepts the connection"],
      ["✗", "own keys readable"],
      ["✗", "another device's key refused"],
      ["✓", "podman socket answers"],
    ]);
    expect(lineOf(run.lines, "token issued")).toContain("invalid_grant");
    expect(lineOf(run.lines, "NATS accepts the connection")).toContain(
      "not checked: needs an access token",
    );
    expect(run.exitCode).toBe(1);
  });
});

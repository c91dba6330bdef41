import { describe, expect, it } from "vitest";
import { parseArgs } from "./cli.js";
import { readEnv } from "./env.js";

const env = readEnv({});

describe("cli", () => {
  it("cli - without a subcommand the agent runs with its settings as flags", () => {
    const args = parseArgs(["--credentials", "/etc/iot-agent/device.json", "--check-config"], env);
    expect(args).toMatchObject({
      command: "run",
      flags: { credentials: "/etc/iot-agent/device.json" },
      checkConfig: true,
    });
  });

  it("cli - doctor takes the same settings, after or before the subcommand", () => {
    const after = parseArgs(["doctor", "--credentials", "/d.json", "--config", "/c.json"], env);
    expect(after).toMatchObject({
      command: "doctor",
      flags: { credentials: "/d.json" },
      configFlag: "/c.json",
    });
    const before = parseArgs(
      ["--podman-socket", "/run/p.sock", "doctor", "--nats-servers", "nats://x:4222"],
      env,
    );
    expect(before).toMatchObject({
      command: "doctor",
      flags: { podmanSocket: "/run/p.sock", natsServers: "nats://x:4222" },
    });
  });

  it("cli - an unknown subcommand or flag is refused", () => {
    expect(() => parseArgs(["doctr"], env)).toThrow();
    expect(() => parseArgs(["doctor", "--credential", "/d.json"], env)).toThrow(/unknown option/);
  });
});

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

describe("cli - enroll", () => {
  it("cli - enroll takes its own flags; --no-wait; the token never as a flag", () => {
    const args = parseArgs(
      [
        "enroll",
        "--server",
        "https://fleet.example:8443",
        "--token-file",
        "/run/token",
        "--device-id",
        "pi-9",
        "--no-wait",
      ],
      env,
    );
    expect(args.command).toBe("enroll");
    expect(args.enroll).toEqual({
      flags: { server: "https://fleet.example:8443", tokenFile: "/run/token", deviceId: "pi-9" },
      wait: false,
      tokenOnCommandLine: false,
    });
    expect(parseArgs(["enroll", "--server", "https://x"], env).enroll?.wait).toBe(true);
    expect(parseArgs(["enroll", "--token", "t.s"], env).enroll?.tokenOnCommandLine).toBe(true);
  });

  it("cli - an unknown enroll flag is refused", () => {
    expect(() => parseArgs(["enroll", "--wait-forever"], env)).toThrow(/unknown option/);
  });
});

// The device build: the esbuild bundle must build, run on plain node, and be
// installable by packaging/install.sh (staged under a temp root, no systemctl).
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { APP_DIR } from "./testing/agent-process.js";

const BUNDLE = join(APP_DIR, "dist", "iot-agent.mjs");

describe("packaging - single-file bundle", () => {
  beforeAll(async () => {
    await execa("npm", ["run", "-s", "build"], { cwd: APP_DIR });
  }, 120_000);

  it("packaging - the bundle runs on plain node and prints its help", async () => {
    const result = await execa(process.execPath, [BUNDLE, "--help"], { cwd: tmpdir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Usage: iot-agent");
    for (const flag of [
      "--device-id",
      "--nats-servers",
      "--credentials",
      "--podman-socket",
      "--data-dir",
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it("packaging - the bundle rejects a bad setting with exit code 2 before touching anything", async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), "iot-agent-bundle-")), "never-created");
    const result = await execa(
      process.execPath,
      [BUNDLE, "--device-id", "pi-1", "--heartbeat-seconds", "-1", "--data-dir", dataDir],
      {
        reject: false,
      },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--heartbeat-seconds (flag) = "-1": must be');
    await expect(readFile(dataDir)).rejects.toThrow(/ENOENT/);
  });

  it("packaging - install.sh stages the bundle, a valid config and the systemd unit", async () => {
    const root = await mkdtemp(join(tmpdir(), "iot-agent-install-"));
    const result = await execa(
      "sh",
      [
        join(APP_DIR, "packaging", "install.sh"),
        "--root",
        root,
        "--bundle",
        BUNDLE,
        "--device-id",
        "pi-kitchen-01",
        "--nats-servers",
        "nats://10.0.0.1:4222",
      ],
      { env: { NODE_BIN: process.execPath }, reject: false },
    );
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const config = JSON.parse(
      await readFile(join(root, "etc/iot-agent/config.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(config).toMatchObject({
      deviceId: "pi-kitchen-01",
      natsServers: ["nats://10.0.0.1:4222"],
      dataDir: "/var/lib/iot-agent",
    });
    const unit = await readFile(join(root, "etc/systemd/system/iot-agent.service"), "utf8");
    expect(unit).toContain(
      `ExecStart=${process.execPath} /opt/iot-agent/iot-agent.mjs --config /etc/iot-agent/config.json`,
    );
    expect(unit).not.toContain("@NODE@");
    expect(
      (await readFile(join(root, "opt/iot-agent/iot-agent.mjs"), "utf8")).startsWith(
        "#!/usr/bin/env node\n",
      ),
    ).toBe(true);
  });
});

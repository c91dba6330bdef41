// The device build: the esbuild bundle must build, run on plain node, and be
// installable by packaging/install.sh (staged under a temp root, no systemctl).
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { APP_DIR } from "./testing/agent-process.js";
import { sampleCredentials, writeCredentialFile } from "./testing/credential-files.js";

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
      "doctor",
      "enroll",
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it("packaging - the bundle enrolls without the Kubernetes client; a bad enroll flag exits 2 naming it", async () => {
    // Enroll writes the credential file with @fleet/provisioning's writer, imported alone.
    expect(await readFile(BUNDLE, "utf8")).not.toContain("@kubernetes/client-node");
    const result = await execa(
      process.execPath,
      [BUNDLE, "enroll", "--server", "http://fleet.example", "--credentials", "/tmp/x.json"],
      { reject: false, cwd: tmpdir(), env: { IOT_ENROLL_TOKEN: "" } },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--server (flag) = "http://fleet.example"');
    expect(result.stderr).toContain("http:// is refused");
  });

  it("packaging - the bundle refuses to start without a credential and says how to get one", async () => {
    const result = await execa(process.execPath, [BUNDLE], { reject: false, cwd: tmpdir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("credentials is required");
    expect(result.stderr).toContain("iot-operator device add <id> --out <file>");
    expect(result.stderr).toContain("the dashboard's Devices page");
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

  it("packaging - install.sh stages the bundle, the credential file (0600), a valid config and the systemd unit", async () => {
    const root = await mkdtemp(join(tmpdir(), "iot-agent-install-"));
    // As `iot-operator device add` hands it over; install.sh makes its copy private.
    const credentials = await writeCredentialFile(
      sampleCredentials({ deviceId: "pi-kitchen-01" }),
      0o644,
    );
    const install = (...flags: string[]) =>
      execa(
        "sh",
        [join(APP_DIR, "packaging", "install.sh"), "--root", root, "--bundle", BUNDLE, ...flags],
        { env: { NODE_BIN: process.execPath }, reject: false },
      );
    const missing = await install();
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("--credentials <file> is required for a first install");

    const result = await install(
      "--credentials",
      credentials,
      "--nats-servers",
      "nats://10.0.0.1:4222",
    );
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const installed = join(root, "etc/iot-agent/device-credentials.json");
    expect((await stat(installed)).mode & 0o777).toBe(0o600);
    expect(await readFile(installed, "utf8")).toBe(await readFile(credentials, "utf8"));
    const config = JSON.parse(
      await readFile(join(root, "etc/iot-agent/config.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(config).toEqual({
      credentials: "/etc/iot-agent/device-credentials.json",
      natsServers: ["nats://10.0.0.1:4222"],
      podmanSocket: "/run/podman/podman.sock",
      heartbeatSeconds: 5,
      resyncSeconds: 30,
      inventorySeconds: 300,
      dataDir: "/var/lib/iot-agent",
      logLevel: "info",
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

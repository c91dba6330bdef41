// `iot-operator device …` as a person runs it (the bin in a child process),
// against the real API server and the local IdP, with the settings the
// platform's `env` command exports. (execa strips the output's final newline.)
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { deviceResourceSchema, parseDeviceCredentials } from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { installDeviceCrd } from "@fleet/kube/testing";
import { kubeConfigFor, platformConnection } from "@fleet/local-platform/testing";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const main = createRequire(import.meta.url).resolve("@fleet/operator/bin");
const suffix = randomBytes(3).toString("hex");
const deviceId = `cli-pi-${suffix}`;

let folder: string;
let env: Record<string, string>;
let devices: DeviceClient;

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const result = await execa(process.execPath, ["--import", "tsx", main, "device", ...args], {
    env: { ...env, ...extraEnv },
    extendEnv: false,
    reject: false,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function deviceCr(name: string) {
  const found = await devices.find(name);
  return found === undefined ? undefined : deviceResourceSchema.parse(found);
}

beforeAll(async () => {
  const connection = await platformConnection();
  const admin = await kubeConfigFor("admin");
  await installDeviceCrd(admin);
  devices = DeviceClient.forKubeConfig(admin);
  folder = await mkdtemp(join(tmpdir(), "device-cli-"));
  // What `eval "$(npm run -s platform -- env)"` gives a shell.
  env = {
    PATH: process.env.PATH ?? "",
    KUBECONFIG: connection.kubeconfig,
    NATS_URL: connection.natsUrl,
    OIDC_ISSUER: connection.oidc.issuer,
    OIDC_CA_FILE: connection.oidc.caFile,
    ZITADEL_PROJECT_ID: connection.oidc.projectId,
    ZITADEL_ADMIN_KEY_FILE: connection.oidc.adminKeyFile,
  };
});

afterAll(async () => {
  await cli(["remove", deviceId]);
  await rm(folder, { recursive: true, force: true });
});

describe("iot-operator device - the whole life of a device", () => {
  it("add writes a private, parseable credential file and creates the Device with its labels", async () => {
    const out = join(folder, "pi.json");
    const run = await cli([
      "add",
      deviceId,
      "--label",
      "site=berlin",
      "--label",
      "tier=edge",
      "--out",
      out,
    ]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `device ${deviceId} added; its credential file is ${out} (mode 0600)`,
    );
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const credentials = parseDeviceCredentials(await readFile(out, "utf8"));
    expect(credentials).toMatchObject({
      deviceId,
      natsServers: [env.NATS_URL],
      issuer: env.OIDC_ISSUER,
    });
    const cr = await deviceCr(deviceId);
    expect(cr?.metadata.labels).toEqual({ site: "berlin", tier: "edge" });
    expect(cr?.spec.identity).toEqual({ userId: credentials.userId, keyId: credentials.keyId });
  });

  it("add refuses an existing device (exit 1) and writes no file", async () => {
    const out = join(folder, "again.json");
    const run = await cli(["add", deviceId, "--out", out]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(`iot-operator: device "${deviceId}" already exists`);
    expect(await exists(out)).toBe(false);
  });

  it("list shows it in a table", async () => {
    const run = await cli(["list"]);
    expect(run.exitCode).toBe(0);
    const [head, ...rows] = run.stdout.split("\n");
    expect(head).toMatch(/^ID\s+PHASE\s+ONLINE\s+USER ID\s+KEY ID\s+LABELS$/);
    expect(rows.find((row) => row.startsWith(`${deviceId} `))).toMatch(
      /^\S+\s+Enrolled\s+-\s+\S+\s+\S+\s+site=berlin,tier=edge$/,
    );
  });

  it("disable and enable flip spec.disabled", async () => {
    const disabled = await cli(["disable", deviceId]);
    expect(disabled.exitCode).toBe(0);
    expect(disabled.stdout).toBe(`device ${deviceId} disabled: it is refused and disconnected`);
    expect((await deviceCr(deviceId))?.spec.disabled).toBe(true);
    expect((await cli(["enable", deviceId])).exitCode).toBe(0);
    expect((await deviceCr(deviceId))?.spec.disabled).toBe(false);
  });

  it("rotate-key refuses to overwrite the old file without --force, then writes the new key", async () => {
    const out = join(folder, "pi.json");
    const before = parseDeviceCredentials(await readFile(out, "utf8"));
    const refused = await cli(["rotate-key", deviceId, "--out", out]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      `iot-operator: --out ${out} already exists; pass --force to overwrite it`,
    );
    expect((await deviceCr(deviceId))?.spec.identity?.keyId).toBe(before.keyId);
    const run = await cli(["rotate-key", deviceId, "--out", out, "--force"]);
    expect(run.exitCode).toBe(0);
    const after = parseDeviceCredentials(await readFile(out, "utf8"));
    expect(after.keyId).not.toBe(before.keyId);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect((await deviceCr(deviceId))?.spec.identity?.keyId).toBe(after.keyId);
  });

  it("remove deletes it; removing it again names the unknown device (exit 1)", async () => {
    expect((await cli(["remove", deviceId])).exitCode).toBe(0);
    expect(await deviceCr(deviceId)).toBeUndefined();
    const again = await cli(["remove", deviceId]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe(`iot-operator: device "${deviceId}" does not exist`);
  });
});

describe("iot-operator device - bad input and refusals", () => {
  it("names a bad device id and a bad --label (exit 2), creating nothing", async () => {
    const badId = await cli(["add", "Pi_1", "--out", join(folder, "x.json")]);
    expect(badId.exitCode).toBe(2);
    expect(badId.stderr).toMatch(
      /^iot-operator: invalid device id "Pi_1": must be a DNS-1123 label/,
    );
    const badLabel = await cli([
      "add",
      `cli-x-${suffix}`,
      "--label",
      "site",
      "--out",
      join(folder, "x.json"),
    ]);
    expect(badLabel.exitCode).toBe(2);
    expect(badLabel.stderr).toContain(
      '--label (flag) = "site": must be key=value, such as site=berlin',
    );
    expect(await deviceCr(`cli-x-${suffix}`)).toBeUndefined();
  });

  it("says which setting is missing and how to set it (exit 2)", async () => {
    const run = await cli(["disable", deviceId], { ZITADEL_PROJECT_ID: "" });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      "projectId is required: set --project-id or env ZITADEL_PROJECT_ID",
    );
  });

  it("refuses a world-readable admin key file, saying how to fix it (exit 2)", async () => {
    const loose = join(folder, "admin-key.json");
    await writeFile(loose, await readFile(env.ZITADEL_ADMIN_KEY_FILE ?? "", "utf8"), {
      mode: 0o644,
    });
    const run = await cli(["disable", deviceId], { ZITADEL_ADMIN_KEY_FILE: loose });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      `is open to others (mode 644); make it private: chmod 600 ${loose}`,
    );
  });

  it("an identity without rights on Devices is refused by RBAC before the IdP is asked (exit 1)", async () => {
    const name = `cli-rbac-${suffix}`;
    const kc = new KubeConfig();
    kc.loadFromFile(env.KUBECONFIG ?? "");
    // The dashboard's own identity: in no group, bound to nothing.
    kc.setCurrentContext("fleet-local-dashboard");
    const kubeconfig = join(folder, "nobody.kubeconfig");
    await writeFile(kubeconfig, kc.exportConfig(), { mode: 0o600 });
    const refused = await cli(["add", name, "--out", join(folder, "rbac.json")], {
      KUBECONFIG: kubeconfig,
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /^iot-operator: Kubernetes RBAC refused: .*cannot (get|create) resource "devices"/,
    );
    expect(await exists(join(folder, "rbac.json"))).toBe(false);
    // Nothing was left at the IdP: the same id can be added by someone allowed to.
    const allowed = await cli(["add", name, "--out", join(folder, "rbac.json")]);
    expect(allowed.exitCode).toBe(0);
    expect((await cli(["remove", name])).exitCode).toBe(0);
  });
});

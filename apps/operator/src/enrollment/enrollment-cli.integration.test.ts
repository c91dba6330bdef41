// `iot-operator enrollment …`, `device approve|label|list --selector` and
// `apply --selector` as a person runs them (the bin in a child process),
// against the real API server with the real CRDs. (execa strips the output's
// final newline.)
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import {
  deploymentResourceSchema,
  deviceManifest,
  deviceResourceSchema,
  enrollmentTokenResourceSchema,
  type DeviceSpecInput,
} from "@fleet/contracts";
import { DeploymentClient, DeviceClient, EnrollmentTokenClient } from "@fleet/kube";
import {
  installDeploymentCrd,
  installDeviceCrd,
  installEnrollmentTokenCrd,
} from "@fleet/kube/testing";
import { kubeConfigFor, platformConnection } from "@fleet/local-platform/testing";
import { enrollmentSecretMatches } from "@fleet/provisioning";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Each run of the CLI starts Node and tsx: seconds apiece on a busy machine, and a test runs up to seven.
const CLI_TEST_TIMEOUT_MS = 300_000;
const main = createRequire(import.meta.url).resolve("@fleet/operator/bin");
const suffix = randomBytes(3).toString("hex");
const name = (what: string): string => `cli-${what}-${suffix}`;

let env: Record<string, string>;
let tokens: EnrollmentTokenClient;
let devices: DeviceClient;
let deployments: DeploymentClient;
const createdTokens: string[] = [];
const createdDevices: string[] = [];

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const result = await execa(process.execPath, ["--import", "tsx", main, ...args], {
    env: { ...env, ...extraEnv },
    extendEnv: false,
    reject: false,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A Device as the enrollment server leaves it: PendingApproval, the device's key in spec.enrollment. */
async function pendingDevice(what: string, spec: DeviceSpecInput = {}): Promise<string> {
  const id = name(what);
  const publicKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();
  await devices.create(
    deviceManifest({
      name: id,
      labels: { site: "berlin" },
      spec: {
        enrollment: { publicKey, token: "enroll-x", requestedAt: new Date().toISOString() },
        ...spec,
      },
    }),
  );
  createdDevices.push(id);
  return id;
}

const storedDevice = async (id: string) => deviceResourceSchema.parse(await devices.get(id));

beforeAll(async () => {
  const connection = await platformConnection();
  const admin = await kubeConfigFor("admin");
  await installDeviceCrd(admin);
  await installEnrollmentTokenCrd(admin);
  await installDeploymentCrd(admin);
  tokens = EnrollmentTokenClient.forKubeConfig(admin);
  devices = DeviceClient.forKubeConfig(admin);
  deployments = DeploymentClient.forKubeConfig(admin);
  env = { PATH: process.env.PATH ?? "", KUBECONFIG: connection.kubeconfig };
});

afterAll(async () => {
  for (const token of createdTokens) await tokens.deleteIfPresent(token);
  for (const id of createdDevices) await devices.deleteIfPresent(id);
  await deployments.deleteIfPresent("default", name("web"));
});

describe("iot-operator enrollment", { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it("create prints the token once and the exact enroll command; only its hash is stored", async () => {
    const tokenName = name("tok");
    createdTokens.push(tokenName);
    const before = Date.now();
    const run = await cli([
      ...["enrollment", "create", "--name", tokenName, "--label", "site=berlin"],
      ...["--label", "app=kiosk", "--max-uses", "2", "--expires-in", "2h"],
      ...["--server", "https://fleet.example:8443", "--server-ca", "/etc/fleet/ca.pem"],
    ]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const token = /^token \(shown only now; only its hash is stored\): (\S+)$/m.exec(
      run.stdout,
    )?.[1];
    expect(token).toMatch(new RegExp(`^${tokenName}\\.[A-Za-z0-9_-]{43}$`));
    const secret = token?.slice(tokenName.length + 1) ?? "";
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(
      new RegExp(
        `^enrollment token ${tokenName} created: up to 2 devices, expires \\S+, devices wait for approval, labels app=kiosk,site=berlin$`,
      ),
    );
    expect(lines.at(-1)).toBe(
      `  IOT_ENROLL_TOKEN=${token ?? ""} iot-agent enroll --server https://fleet.example:8443 --server-ca /etc/fleet/ca.pem`,
    );
    const stored = enrollmentTokenResourceSchema.parse(await tokens.get(tokenName));
    expect(enrollmentSecretMatches(secret, stored.spec.secretHash)).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored.spec).toMatchObject({
      labels: { site: "berlin", app: "kiosk" },
      maxUses: 2,
      autoApprove: false,
    });
    const expiresAt = Date.parse(stored.spec.expiresAt ?? "");
    expect(expiresAt).toBeGreaterThanOrEqual(before + 2 * 3600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 2 * 3600_000);
  });

  it("create without --server still prints the command, asking for the URL; --auto-approve and --no-expiry are kept", async () => {
    const run = await cli(["enrollment", "create", "--auto-approve", "--no-expiry"]);
    expect(run.exitCode).toBe(0);
    const created =
      /^enrollment token (enroll-[0-9a-f]+) created: single-use, never expires, auto-approve, labels -$/m.exec(
        run.stdout,
      )?.[1];
    expect(created).toBeDefined();
    createdTokens.push(created ?? "");
    expect(run.stdout).toMatch(
      /^ {2}IOT_ENROLL_TOKEN=\S+ iot-agent enroll --server '<enrollment server https URL>'$/m,
    );
    expect(run.stdout).toContain("give --server or ENROLLMENT_PUBLIC_URL");
    const stored = enrollmentTokenResourceSchema.parse(await tokens.get(created ?? ""));
    expect(stored.spec).toMatchObject({ autoApprove: true, maxUses: 1 });
    expect(stored.spec.expiresAt).toBeUndefined();
  });

  it("create names each bad flag (exit 2) and creates nothing", async () => {
    const before = (await tokens.list()).items.length;
    const cases: [string[], RegExp][] = [
      [["--max-uses", "0"], /--max-uses \(flag\) = "0": must be at least 1/],
      [["--expires-in", "soon"], /--expires-in \(flag\) = "soon": "soon" is not a duration/],
      [["--expires-in", "2h", "--no-expiry"], /give --expires-in or --no-expiry, not both/],
      [["--expires-in", "400d"], /a token may live at most 365 days/],
      [
        ["--server", "http://fleet.example"],
        /--server \(flag\) = "http:\/\/fleet.example": must be the enrollment server's https URL/,
      ],
      [["--label", "site"], /--label \(flag\) = "site": must be key=value/],
      [["--name", "Bad_Name"], /invalid token name "Bad_Name"/],
    ];
    for (const [flags, message] of cases) {
      const run = await cli(["enrollment", "create", ...flags]);
      expect(run.exitCode, flags.join(" ")).toBe(2);
      expect(run.stderr, flags.join(" ")).toMatch(message);
      expect(run.stdout, flags.join(" ")).toBe("");
    }
    expect((await tokens.list()).items.length).toBe(before);
  });

  it("list shows state, uses of max, expiry and auto-approve, never a secret or hash", async () => {
    const run = await cli(["enrollment", "list"]);
    expect(run.exitCode).toBe(0);
    const [head, ...rows] = run.stdout.split("\n");
    expect(head).toMatch(/^NAME\s+STATE\s+USES\s+EXPIRES\s+AUTO-APPROVE\s+REVOKED\s+LABELS$/);
    expect(rows.find((row) => row.startsWith(`${name("tok")} `))).toMatch(
      /^\S+\s+Active\s+0\/2\s+\S+Z\s+no\s+no\s+app=kiosk,site=berlin$/,
    );
    expect(run.stdout).not.toMatch(/sha256/);
  });

  it("revoke marks the token revoked; an unknown token is named (exit 1)", async () => {
    const run = await cli(["enrollment", "revoke", name("tok")]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      `enrollment token ${name("tok")} revoked: devices presenting it are refused`,
    );
    expect(enrollmentTokenResourceSchema.parse(await tokens.get(name("tok"))).spec.revoked).toBe(
      true,
    );
    const listed = await cli(["enrollment", "list"]);
    expect(listed.stdout.split("\n").find((row) => row.startsWith(`${name("tok")} `))).toMatch(
      /^\S+\s+Revoked\s/,
    );
    const unknown = await cli(["enrollment", "revoke", name("nobody")]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toBe(
      `iot-operator: enrollment token "${name("nobody")}" does not exist`,
    );
  });
});

describe(
  "iot-operator device approve, label, list --selector",
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it("approve sets spec.approved and adds the labels; a device not pending is refused, saying why (exit 1)", async () => {
      const id = await pendingDevice("pending");
      const listed = await cli(["device", "list", "--selector", `site=berlin`]);
      expect(listed.stdout.split("\n").find((row) => row.startsWith(`${id} `))).toMatch(
        /^\S+\s+PendingApproval\s+-\s+-\s+-\s+site=berlin$/,
      );
      const run = await cli(["device", "approve", id, "--label", "app=kiosk"]);
      expect(run.stderr).toBe("");
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toBe(
        `device ${id} approved; iot-identity issues its identity for the key it enrolled with`,
      );
      const stored = await storedDevice(id);
      expect(stored.spec.approved).toBe(true);
      expect(stored.metadata.labels).toEqual({ site: "berlin", app: "kiosk" });

      const enrolled = await pendingDevice("enrolled", {
        identity: { userId: "311111", keyId: "322222" },
      });
      const refused = await cli(["device", "approve", enrolled]);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toBe(
        `iot-operator: device "${enrolled}" is already enrolled (it has an identity); there is nothing to approve`,
      );
      const badLabel = await cli(["device", "approve", id, "--label", "app"]);
      expect(badLabel.exitCode).toBe(2);
      expect(badLabel.stderr).toContain('--label (flag) = "app": must be key=value');
    });

    it("label sets with key=value and removes with key-; bad changes are named (exit 2) and change nothing", async () => {
      const id = await pendingDevice("relabel");
      const run = await cli(["device", "label", id, "app=signage", "region=eu", "site-"]);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toBe(`device ${id} labelled: app=signage,region=eu`);
      expect((await storedDevice(id)).metadata.labels).toEqual({ app: "signage", region: "eu" });
      const bad = await cli(["device", "label", id, "region", "app=no spaces"]);
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr).toContain(
        'label change "region": must be key=value (set) or key- (remove)',
      );
      expect(bad.stderr).toContain('label change "app=no spaces": label value must be');
      expect((await storedDevice(id)).metadata.labels).toEqual({ app: "signage", region: "eu" });

      const selected = await cli(["device", "list", "--selector", "app in (signage),region"]);
      expect(selected.exitCode).toBe(0);
      expect(selected.stdout.split("\n").map((row) => row.split(/\s+/)[0])).toEqual(["ID", id]);
    });

    it("list --selector with a syntax error names the flag and where (exit 2)", async () => {
      const run = await cli(["device", "list", "--selector", "app in (signage"]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/--selector \(flag\) = "app in \(signage": .*at character \d+/);
    });
  },
);

describe("iot-operator apply --selector", { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it("creates a Deployment that targets a label selector; --target-device with it is refused (exit 2)", async () => {
    const common = ["apply", "--name", name("web"), "--image", "localhost/fleet-nginx:1.0"];
    const run = await cli([...common, "--selector", "app=kiosk,region in (eu,us)"]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const stored = deploymentResourceSchema.parse(await deployments.get("default", name("web")));
    expect(stored.spec.targetDevices).toBeUndefined();
    expect(stored.spec.targetSelector).toEqual({
      matchLabels: { app: "kiosk" },
      matchExpressions: [{ key: "region", operator: "In", values: ["eu", "us"] }],
    });
    const both = await cli([...common, "--selector", "app=kiosk", "--target-device", "pi-1"]);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain("--target-device and --selector cannot be used together");
    const neither = await cli(common);
    expect(neither.exitCode).toBe(2);
    expect(neither.stderr).toContain(
      "give the devices to run on with --target-device <id> (repeatable) or --selector <selector>",
    );
  });
});

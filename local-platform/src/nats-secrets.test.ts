import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readPlatformEnv } from "./env.js";
import { layoutFor, type Layout } from "./layout.js";
import { ensureNatsSecrets, natsSecretFiles, natsSecretsDir } from "./nats-secrets.js";

let root: string;
let layout: Layout;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "nats-secrets-"));
  layout = layoutFor(readPlatformEnv({ FLEET_PLATFORM_DIR: root }));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("nats secrets - generated once, private, replaced whole when outdated", () => {
  it("writes every service's credential, mode 0600 in a 0700 folder, and keeps them", async () => {
    const first = await ensureNatsSecrets(layout);
    const files = natsSecretFiles(layout);
    for (const file of Object.values({ ...files })) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
    expect((await stat(natsSecretsDir(layout))).mode & 0o777).toBe(0o700);
    expect(await readFile(files.operatorCreds, "utf8")).toContain("NATS USER JWT");
    expect(await ensureNatsSecrets(layout)).toStrictEqual(first);
  });

  it("regenerates an older version's secrets and drops its stale files (the anonymous-era service user)", async () => {
    const dir = natsSecretsDir(layout);
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "secrets.json"),
      JSON.stringify({ version: 2, servicePassword: "pw" }),
    );
    await writeFile(join(dir, "service.creds"), "old");
    await writeFile(join(dir, "dashboard.creds"), "old, for a key the server no longer knows");
    const secrets = await ensureNatsSecrets(layout);
    expect(secrets.version).toBe(3);
    expect(existsSync(join(dir, "service.creds"))).toBe(false);
    expect(await readFile(natsSecretFiles(layout).dashboardCreds, "utf8")).toContain(
      "NATS USER JWT",
    );
  });

  it("regenerates secrets it cannot read", async () => {
    await mkdir(natsSecretsDir(layout), { recursive: true });
    await writeFile(join(natsSecretsDir(layout), "secrets.json"), "{not json");
    await expect(ensureNatsSecrets(layout)).resolves.toMatchObject({ version: 3 });
  });
});

// iot-identity as a process, the way the chart runs it: configuration from the
// environment, secrets as files; it answers /healthz, /readyz and /metrics once
// it can answer the callout, stops on SIGTERM, and exits 2 naming a bad setting.
import { createRequire } from "node:module";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  freePort,
  platformConnection,
  waitUntil,
  type PlatformConnection,
} from "@fleet/local-platform/testing";
import { ENROLLMENT_PATH } from "@fleet/contracts";
import {
  enrollmentTls,
  enrollmentUrl,
  identityEnvironment,
  layoutFor,
  readPlatformEnv,
} from "@fleet/local-platform";
import { fetchTrusting } from "@fleet/zitadel";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The service's bin, as its package exports it. */
const MAIN = createRequire(import.meta.url).resolve("@fleet/identity/bin");

let connection: PlatformConnection;
let folder: string;
let env: Record<string, string>;

const run = (extra: Record<string, string>, args: string[] = []) =>
  execa(process.execPath, ["--import", "tsx", MAIN, ...args], {
    reject: false,
    env: { ...env, ...extra },
    extendEnv: false,
    all: true,
  });

beforeAll(async () => {
  connection = await platformConnection();
  folder = await mkdtemp(join(tmpdir(), "iot-identity-it-"));
  env = {
    PATH: process.env.PATH ?? "",
    NATS_URL: connection.natsUrl,
    NATS_CREDENTIALS_FILE: connection.natsSecrets.calloutCreds,
    NATS_SYSTEM_CREDENTIALS_FILE: connection.natsSecrets.systemCreds,
    NATS_CALLOUT_ISSUER_SEED_FILE: connection.natsSecrets.calloutIssuerSeed,
    NATS_CALLOUT_XKEY_SEED_FILE: connection.natsSecrets.calloutXkeySeed,
    BROWSER_TICKET_PUBLIC_KEY_FILE: connection.natsSecrets.browserTicketPublicKey,
    OIDC_ISSUER: connection.oidc.issuer,
    ZITADEL_PROJECT_ID: connection.oidc.projectId,
    OIDC_CA_FILE: connection.oidc.caFile,
    KUBECONFIG: connection.kubeconfig,
    LOG_LEVEL: "info",
  };
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("iot-identity - the process", () => {
  it("serves /healthz, becomes ready, counts on /metrics and stops on SIGTERM", async () => {
    const port = await freePort();
    const child = run({ HTTP_PORT: String(port) });
    const url = (path: string) => `http://127.0.0.1:${String(port)}${path}`;
    try {
      await waitUntil(
        async () => (await fetch(url("/readyz")).catch(() => undefined))?.status === 200,
        { what: "iot-identity ready", timeoutMs: 30_000 },
      );
      expect((await fetch(url("/healthz"))).status).toBe(200);
      expect(await (await fetch(url("/readyz"))).json()).toMatchObject({
        ready: true,
        state: "answering",
      });
      const metrics = await (await fetch(url("/metrics"))).text();
      expect(metrics).toContain("# TYPE identity_callout_total counter");
      expect(metrics).toContain("# TYPE identity_callout_duration_seconds histogram");
    } finally {
      child.kill("SIGTERM");
    }
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain("identity service stopped");
  });

  it("with the IdP admin key and a certificate it serves the enrollment API over HTTPS, as identityEnvironment sets it up", async () => {
    const [httpPort, enrollmentPort] = [await freePort(), await freePort()];
    const tls = await enrollmentTls(layoutFor(readPlatformEnv()));
    const child = run(identityEnvironment(connection, httpPort, { port: enrollmentPort, tls }));
    const trusting = fetchTrusting(await readFile(tls.caFile, "utf8"));
    try {
      const enroll = (): Promise<Response> =>
        trusting(`${enrollmentUrl(enrollmentPort)}${ENROLLMENT_PATH}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token: "x", deviceId: "pi", publicKey: "x" }),
        });
      await waitUntil(async () => (await enroll().catch(() => undefined)) !== undefined, {
        what: "the enrollment API answering",
        timeoutMs: 30_000,
      });
      const answer = await enroll();
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        error: expect.stringContaining("publicKey") as unknown,
      });
    } finally {
      child.kill("SIGTERM");
    }
    expect((await child).exitCode).toBe(0);
  });

  it("exits 2 naming each bad setting, before connecting anywhere", async () => {
    const result = await run({
      OIDC_ISSUER: "http://idp.example.com",
      NATS_SYSTEM_CREDENTIALS_FILE: join(folder, "missing.creds"),
    });
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain(
      'OIDC_ISSUER (env) = "http://idp.example.com": must be an https URL',
    );
    expect(result.all).toMatch(/NATS_SYSTEM_CREDENTIALS_FILE \(env\) = .*: cannot read/);
  });

  it("exits 2 when the ticket key file holds the dashboard's PRIVATE key", async () => {
    const result = await run({
      BROWSER_TICKET_PUBLIC_KEY_FILE: connection.natsSecrets.browserTicketKey,
    });
    expect(result.exitCode).toBe(2);
    expect(result.all).toMatch(/browserTicketPublicKey .*PRIVATE key/);
  });
});

import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installConfig, runConfig } from "./config.js";
import { readEnv } from "./env.js";
import { ConfigError } from "@fleet/runtime";

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("runConfig - defaults: staleness is 3 heartbeat periods, lease 15s/2s, all namespaces", () => {
    const config = runConfig({}, readEnv({}));
    expect(config).toMatchObject({
      heartbeatPeriodMs: 5000,
      stalenessWindowMs: 15_000,
      statusFlushPeriodMs: 1000,
      namespace: undefined,
      httpPort: 8080,
      natsServers: ["nats://127.0.0.1:4222"],
      lease: { durationMs: 15_000, renewPeriodMs: 2000, name: "iot-operator-leader" },
    });
  });

  it("runConfig - flags beat env, env beats defaults; staleness follows the heartbeat period", () => {
    const env = readEnv({
      NATS_URL: "nats://env:4222",
      HEARTBEAT_PERIOD: "2s",
      WATCH_NAMESPACE: "from-env",
    });
    const config = runConfig({ namespace: "from-flag" }, env);
    expect(config.natsServers).toEqual(["nats://env:4222"]);
    expect(config.namespace).toBe("from-flag");
    expect(config.stalenessWindowMs).toBe(6000);
  });

  it("runConfig - NATS credentials: none by default, a .creds file by flag or env", async () => {
    expect(runConfig({}, readEnv({})).natsCredentialsFile).toBeUndefined();
    const file = join(await mkdtemp(join(tmpdir(), "operator-config-")), "nats.creds");
    // The layout nsc writes; the values are not checked here, the server checks them.
    await writeFile(
      file,
      "-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1Qi\n------END NATS USER JWT------\n\n" +
        "-----BEGIN USER NKEY SEED-----\nSUAEXAMPLE\n------END USER NKEY SEED------\n",
    );
    expect(runConfig({}, readEnv({ NATS_CREDENTIALS_FILE: file })).natsCredentialsFile).toBe(file);
    expect(runConfig({ natsCredentials: file }, readEnv({})).natsCredentialsFile).toBe(file);
  });

  it("runConfig - a file that is not a .creds file is named before anything connects", async () => {
    const notCreds = join(await mkdtemp(join(tmpdir(), "operator-config-")), "token.txt");
    await writeFile(notCreds, "s3cr3t-token\n");
    const error = configError(() => runConfig({ natsCredentials: notCreds }, readEnv({})));
    expect(error.message).toContain("--nats-credentials (flag)");
    expect(error.message).toContain("is not a NATS .creds file");
  });

  it("runConfig - a credentials file that cannot be read is named before anything connects", () => {
    const error = configError(() =>
      runConfig({}, readEnv({ NATS_CREDENTIALS_FILE: "/nonexistent/nats.creds" })),
    );
    expect(error.message).toContain('NATS_CREDENTIALS_FILE (env) = "/nonexistent/nats.creds"');
    expect(error.message).toContain("cannot read this file (ENOENT)");
  });

  it("runConfig - names every bad value and where it came from", () => {
    const error = configError(() =>
      runConfig(
        { httpPort: "99999", namespace: "Not_A_Namespace" },
        readEnv({ LEASE_DURATION: "soon", NATS_URL: "http//x" }),
      ),
    );
    expect(error.message).toContain('--http-port (flag) = "99999"');
    expect(error.message).toContain("--namespace (flag)");
    expect(error.message).toContain('LEASE_DURATION (env) = "soon"');
    expect(error.message).toContain("is not a duration");
    expect(error.message).toContain("NATS_URL (env)");
  });

  it("runConfig - rejects a staleness window shorter than a heartbeat and a renew period too close to the lease", () => {
    const error = configError(() =>
      runConfig(
        {
          heartbeatPeriod: "5s",
          stalenessWindow: "2s",
          leaseDuration: "2s",
          leaseRenewPeriod: "1500ms",
        },
        readEnv({}),
      ),
    );
    expect(error.message).toContain(
      "--staleness-window (2s) must be at least --heartbeat-period (5s)",
    );
    expect(error.message).toContain("--lease-renew-period");
  });

  it("runConfig - KV replicas: 1 by default, 3 from KV_REPLICAS or --kv-replicas, 2 refused by name", () => {
    expect(runConfig({}, readEnv({})).kvReplicas).toBe(1);
    expect(runConfig({}, readEnv({ KV_REPLICAS: "3" })).kvReplicas).toBe(3);
    expect(runConfig({ kvReplicas: "5" }, readEnv({ KV_REPLICAS: "3" })).kvReplicas).toBe(5);
    expect(configError(() => runConfig({}, readEnv({ KV_REPLICAS: "2" }))).message).toMatch(
      /KV_REPLICAS.*must be 1, 3 or 5 replicas/,
    );
  });

  it("installConfig - parses the timeout and log level", () => {
    expect(installConfig({ timeout: "2m", logLevel: "debug" }, readEnv({}))).toMatchObject({
      timeoutMs: 120_000,
      logLevel: "debug",
    });
    expect(configError(() => installConfig({ logLevel: "loud" }, readEnv({}))).message).toContain(
      "--log-level (flag)",
    );
  });
});

// The identity service (iot-identity) as one child process, configured the way
// the chart runs it: the local platform's NATS credentials and callout keys as
// files, its IdP and project, the API server's Devices as the policy store.
// Benchmarks read its Prometheus counters and its CPU time from /proc; its log
// goes to bench-identity.log in the platform's log folder.
import { identityEnvironment, layoutFor, readPlatformEnv } from "@fleet/local-platform";
import { freePort, waitUntil, type PlatformConnection } from "@fleet/local-platform/testing";
import { createWriteStream } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PartError } from "./errors.js";
import { spawn, type Child } from "./processes.js";
import { metricSum } from "./prometheus-text.js";

const IDENTITY_MAIN = createRequire(import.meta.url).resolve("@fleet/identity/bin");

export interface IdentityProcess extends Child {
  port: number;
  /** Sum of a metric's series whose labels include `labels`, read from /metrics now. */
  metric(name: string, labels?: Readonly<Record<string, string>>): Promise<number>;
  /** Whether /readyz says it answers the callout now. */
  ready(): Promise<boolean>;
}

export async function startIdentity(connection: PlatformConnection): Promise<IdentityProcess> {
  const port = await freePort();
  const logFile = join(layoutFor(readPlatformEnv()).logDir, "bench-identity.log");
  // Settings by environment, as the chart sets them (secrets are file paths).
  const child = spawn(["--import", "tsx", IDENTITY_MAIN], {
    ...identityEnvironment(connection, port),
    LOG_LEVEL: "info",
  });
  // Its log (refusal reasons, reconnects) beside the platform's, for reading after a run.
  const log = createWriteStream(logFile, { flags: "a", mode: 0o600 });
  child.child.stdout?.pipe(log);
  child.child.stderr?.pipe(log);
  const metric = async (name: string, labels: Readonly<Record<string, string>> = {}) =>
    metricSum(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), name, labels);
  // Stopped again if it never gets ready, since no caller holds it yet.
  await waitUntil(
    async () => {
      if (child.exited()) throw new PartError(`iot-identity exited: ${child.logs.join("\n")}`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (res === undefined) return false;
      // Not ready yet: its reason becomes the wait's last error.
      if (res.status !== 200) throw new PartError(await res.text());
      return true;
    },
    { what: "iot-identity ready", timeoutMs: 60_000 },
  ).catch(async (error: unknown) => {
    await child.stop();
    throw error;
  });
  const ready = async (): Promise<boolean> =>
    (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200;
  return { ...child, port, metric, ready };
}

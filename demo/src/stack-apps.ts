// The stack's apps, one starter each: the identity service, the operator, an
// agent per device and the dashboard. Each returns once its app is ready (or
// throws naming its log).
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { Kvm, type KV } from "@nats-io/kv";
import { agentStatusKey, BUCKET_AGENT_STATUS, decodeAgentStatus } from "@fleet/contracts";
import {
  connectAsAdmin,
  identityEnvironment,
  waitUntil,
  type EnrollmentTls,
  type Layout,
  type PlatformConnection,
  type Progress,
} from "@fleet/local-platform";
import { planDashboardBuild, serveDashboard, type DashboardServer } from "./dashboard/index.js";
import { applyDashboardRbac } from "@fleet/web/rbac";
import { startApp, type RunningApp } from "./app-process.js";

// The apps' own bins, found through their packages (never a path into their source).
const OPERATOR_BIN = createRequire(import.meta.url).resolve("@fleet/operator/bin");
const AGENT_BIN = createRequire(import.meta.url).resolve("@fleet/agent/bin");
const IDENTITY_BIN = createRequire(import.meta.url).resolve("@fleet/identity/bin");

/** Agents heartbeat this often; the operator and the dashboard are told the same. */
export const HEARTBEAT_SECONDS = 2;

/**
 * Waits for `ready`, failing at once if the app exits first (a bad flag, a
 * Ctrl-C) instead of at the timeout; on any failure the app is stopped.
 */
async function readyOrStop(app: RunningApp, ready: Promise<void>): Promise<RunningApp> {
  const exitedFirst = app.exited.then((how) => {
    throw new Error(`${app.name} ended (${how}) before it was ready: see ${app.log}`);
  });
  try {
    await Promise.race([ready, exitedFirst]);
  } catch (error) {
    await app.stop();
    throw error;
  } finally {
    exitedFirst.catch(() => undefined); // Rejects later, when the app is stopped on purpose.
  }
  return app;
}

/** Resolves once `http://127.0.0.1:<port>/readyz` answers 200. */
function readyz(app: string, port: number, log: string): Promise<void> {
  return waitUntil(
    async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
    { what: `${app} /readyz`, timeoutMs: 90_000, hint: `see ${log}` },
  );
}

/**
 * The NATS auth callout (iot-identity): devices present IdP access tokens,
 * browsers the dashboard's tickets; it admits each with exactly its
 * permissions. With `enrollment`, also the HTTPS enrollment API and the
 * registrar (ADR 0008). Its settings are file paths and URLs, never a secret.
 */
export async function startIdentity(
  connection: PlatformConnection,
  httpPort: number,
  log: string,
  enrollment?: { port: number; tls: EnrollmentTls },
): Promise<RunningApp> {
  const identity = startApp(
    "identity",
    IDENTITY_BIN,
    [],
    identityEnvironment(connection, httpPort, enrollment),
    log,
  );
  return readyOrStop(identity, readyz("iot-identity", httpPort, log));
}

export async function startOperator(
  connection: PlatformConnection,
  httpPort: number,
  log: string,
): Promise<RunningApp> {
  const operator = startApp(
    "operator",
    OPERATOR_BIN,
    ["run", "--http-port", String(httpPort), "--heartbeat-period", `${HEARTBEAT_SECONDS}s`],
    {
      KUBECONFIG: connection.kubeconfig,
      // Every node of the platform's NATS; buckets it creates get one replica per node.
      NATS_URL: connection.natsUrls.join(","),
      KV_REPLICAS: String(connection.natsNodes.length),
      NATS_CREDENTIALS_FILE: connection.natsSecrets.operatorCreds,
    },
    log,
  );
  return readyOrStop(operator, readyz("iot-operator", httpPort, log));
}

/** Whether `device` has sent a heartbeat at or after `since` (epoch ms), as its status in `kv` says. */
export async function heartbeatSince(kv: KV, device: string, since: number): Promise<boolean> {
  const entry = await kv.get(agentStatusKey(device));
  if (!entry || entry.value.length === 0) return false;
  return Date.parse(decodeAgentStatus(entry.value).lastHeartbeatAt) >= since;
}

async function waitForHeartbeat(
  connection: PlatformConnection,
  device: string,
  since: number,
  log: string,
): Promise<void> {
  const nc = await connectAsAdmin({ connection });
  try {
    const kv = await new Kvm(nc).open(BUCKET_AGENT_STATUS);
    await waitUntil(() => heartbeatSince(kv, device, since), {
      what: `heartbeat of ${device}`,
      timeoutMs: 90_000,
      hint: `see ${log}`,
    });
  } finally {
    await nc.close();
  }
}

/**
 * An agent for `device` with its credential file (the device id and NATS URLs
 * come from it) and its state in `dataDir`; ready at its first heartbeat.
 */
export async function startAgent(
  connection: PlatformConnection,
  device: { id: string; credentialsFile: string; dataDir: string },
  log: string,
): Promise<RunningApp> {
  const { dataDir } = device;
  await mkdir(dataDir, { recursive: true });
  const since = Date.now();
  const agent = startApp(
    device.id,
    AGENT_BIN,
    [
      ...["--credentials", device.credentialsFile],
      ...["--podman-socket", connection.podmanSocket],
      ...["--heartbeat-seconds", String(HEARTBEAT_SECONDS), "--data-dir", dataDir],
    ],
    {},
    log,
  );
  return readyOrStop(agent, waitForHeartbeat(connection, device.id, since, log));
}

/**
 * The dashboard's production build (cached by input hash), started at once so
 * that it overlaps the Go builds of a cold start; aborting `signal` stops it.
 */
export async function buildDashboard(
  layout: Layout,
  progress: Progress,
  logPrefix: string,
  signal: AbortSignal,
): Promise<void> {
  const log = join(layout.logDir, `${logPrefix}-dashboard-build.log`);
  await mkdir(layout.logDir, { recursive: true });
  const build = await planDashboardBuild();
  if (build.upToDate) {
    progress.info("the dashboard is unchanged since its last build: reused");
    return;
  }
  await progress.step(
    `build the dashboard (next build, log ${log})`,
    () => build.run({ logFile: log, signal }),
    { estimate: { key: "next-build", guessSeconds: 180 }, log },
  );
}

/** The dashboard, once `built`: its RBAC, then `next start`. */
export async function startDashboard(
  connection: PlatformConnection,
  kc: KubeConfig,
  layout: Layout,
  progress: Progress,
  options: {
    logPrefix: string;
    built: Promise<void>;
    /** Where devices enroll: the Devices page's "Add device" command names it. */
    enrollment?: { url: string; caFile: string } | undefined;
  },
): Promise<DashboardServer> {
  await options.built;
  await progress.step(
    "grant the deployer and viewer roles their RBAC (fleet:deployers, fleet:viewers)",
    () => applyDashboardRbac(kc),
  );
  const port = layout.ports.web;
  return progress.step(`start the dashboard (next start on port ${port})`, () =>
    serveDashboard(connection, {
      port,
      logFile: join(layout.logDir, `${options.logPrefix}-dashboard.log`),
      heartbeatPeriodMs: HEARTBEAT_SECONDS * 1000,
      ...(options.enrollment === undefined ? {} : { enrollment: options.enrollment }),
    }),
  );
}

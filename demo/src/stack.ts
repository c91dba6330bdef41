// Brings the whole platform up on this machine, step by step with progress
// lines, and takes it down again: local servers (with the IdP), CRDs, the
// identity service (NATS auth callout), operator, devices provisioned like
// `iot-operator device add` with an agent each, and the dashboard. Nothing
// connects to NATS without an identity. `npm run demo` and the Playwright
// suite both use it.
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { installCrd } from "@fleet/operator";
import { silentLogger } from "@fleet/runtime";
import {
  connectionFor,
  down,
  enrollmentTls,
  enrollmentUrl,
  freePort,
  up,
  type Layout,
  type PlatformConnection,
  type Progress,
} from "@fleet/local-platform";
import type { RunningApp } from "./app-process.js";
import { cleanupDemoContainers } from "./cleanup.js";
import {
  demoCredentialsFile,
  demoDeviceDir,
  demoProvisioning,
  provisionDemoDevice,
  type DemoDeviceOutcome,
} from "./demo-devices.js";
import {
  buildDashboard,
  startAgent,
  startDashboard,
  startIdentity,
  startOperator,
} from "./stack-apps.js";

export { HEARTBEAT_SECONDS } from "./stack-apps.js";

export interface StackOptions {
  /** Agents for <devicePrefix>-1 … <devicePrefix>-N. */
  devices: number;
  /** "demo-device" unless given. */
  devicePrefix?: string;
  /** Build (cached) and serve the dashboard on FLEET_WEB_PORT. */
  dashboard: boolean;
  /** Log files are <logDir>/<logPrefix>-<app>.log. */
  logPrefix: string;
  /** Aborting stops the start-up after the step in progress (and kills the builds in progress). */
  signal?: AbortSignal;
  /** Told when a started app ends before `stopStack` asked it to (a crash, a kill from outside). */
  onAppExit?: (app: RunningApp, how: string) => void;
}

export interface Stack {
  connection: PlatformConnection;
  devices: string[];
  /** Each device's credential file (mode 0600), by device id. */
  credentialsFiles: Record<string, string>;
  identityHttpPort: number;
  operatorHttpPort: number;
  /** iot-identity's enrollment API (`iot-agent enroll --server`), and the CA devices verify it by. */
  enrollment?: { url: string; caFile: string };
  /** Set when the dashboard was started. */
  dashboardUrl?: string;
  /** In start order; stopped in reverse. */
  apps: RunningApp[];
  /** Platform servers this stack started (the ones it stops). */
  startedServers: string[];
  /** Set by `stopStack`: from then on an app's exit is expected. */
  stopping: boolean;
}

/** Start-up failed (`startFailure`), and stopping what it had started failed too (`cause`). */
export class TeardownFailed extends Error {
  override readonly name = "TeardownFailed";
  constructor(
    readonly startFailure: unknown,
    stopFailure: unknown,
  ) {
    super("the start-up failed, and so did stopping what it had started", { cause: stopFailure });
  }
}

const OUTCOME_WORDS: Record<DemoDeviceOutcome, string> = {
  added: "added",
  reused: "already provisioned by an earlier run, its key reused",
  rotated:
    "already provisioned; its key was rotated, since no credential file here held the current one",
};

function addApp(stack: Stack, app: RunningApp, options: StackOptions): void {
  stack.apps.push(app);
  void app.exited.then((how) => {
    if (!stack.stopping) options.onAppExit?.(app, how);
  });
}

async function startApps(
  stack: Stack,
  layout: Layout,
  progress: Progress,
  options: StackOptions & { dashboardBuilt: Promise<void> },
): Promise<void> {
  const { connection } = stack;
  const checkpoint = (): void => options.signal?.throwIfAborted();
  const log = (app: string): string => join(layout.logDir, `${options.logPrefix}-${app}.log`);
  const kc = new KubeConfig();
  kc.loadFromFile(connection.kubeconfig);
  await progress.step(
    "install the Deployment, Device and EnrollmentToken CRDs (iot-operator install)",
    () => installCrd(kc, silentLogger(), 60_000),
  );
  checkpoint();
  // Side by side: neither needs the other (the agents need the identity service).
  stack.identityHttpPort = await freePort();
  do stack.operatorHttpPort = await freePort();
  while (stack.operatorHttpPort === stack.identityHttpPort);
  let enrollmentPort: number;
  do enrollmentPort = await freePort();
  while ([stack.identityHttpPort, stack.operatorHttpPort].includes(enrollmentPort));
  const enrollmentCertificate = await enrollmentTls(layout);
  stack.enrollment = { url: enrollmentUrl(enrollmentPort), caFile: enrollmentCertificate.caFile };
  const started = await Promise.allSettled([
    progress.step(
      `start the identity service (iot-identity: the NATS auth callout, enrollment on ${stack.enrollment.url})`,
      () =>
        startIdentity(connection, stack.identityHttpPort, log("identity"), {
          port: enrollmentPort,
          tls: enrollmentCertificate,
        }),
    ),
    progress.step("start the operator (iot-operator run)", () =>
      startOperator(connection, stack.operatorHttpPort, log("operator")),
    ),
  ]);
  for (const app of started) if (app.status === "fulfilled") addApp(stack, app.value, options);
  for (const app of started) if (app.status === "rejected") throw app.reason;
  const provisioning = await demoProvisioning(connection, kc);
  for (let i = 1; i <= options.devices; i++) {
    checkpoint();
    const device = `${options.devicePrefix ?? "demo-device"}-${i}`;
    const credentialsFile = demoCredentialsFile(layout, device);
    const outcome = await progress.step(
      `provision ${device} (IdP machine user and Device CR, as iot-operator device add does)`,
      () => provisionDemoDevice(provisioning, device, credentialsFile),
    );
    progress.info(`${device}: ${OUTCOME_WORDS[outcome]}; credential file ${credentialsFile}`);
    stack.devices.push(device);
    stack.credentialsFiles[device] = credentialsFile;
    checkpoint();
    const agent = await progress.step(
      `start an agent for ${device} (iot-agent --credentials <its file>)`,
      () =>
        startAgent(
          connection,
          { id: device, credentialsFile, dataDir: demoDeviceDir(layout, device) },
          log(device),
        ),
    );
    addApp(stack, agent, options);
  }
  if (options.dashboard) {
    checkpoint();
    const server = await startDashboard(connection, kc, layout, progress, {
      logPrefix: options.logPrefix,
      built: options.dashboardBuilt,
      enrollment: stack.enrollment,
    });
    const app: RunningApp = {
      name: "dashboard",
      log: server.logFile,
      stop: () => server.stop(),
      exited: server.exited,
    };
    addApp(stack, app, options);
    stack.dashboardUrl = server.url;
  }
}

/**
 * Starts everything; on a failure (or an abort), stops what it had started and
 * rethrows. The dashboard's `next build` runs beside the platform's start-up.
 */
export async function startStack(
  layout: Layout,
  progress: Progress,
  options: StackOptions,
): Promise<Stack> {
  // Its own abort too: when the start-up fails, a build still running is stopped.
  const builds = new AbortController();
  const buildSignal = options.signal
    ? AbortSignal.any([options.signal, builds.signal])
    : builds.signal;
  const dashboardBuilt = options.dashboard
    ? buildDashboard(layout, progress, options.logPrefix, buildSignal)
    : Promise.resolve();
  // Awaited later (or here, on a failure): never an unhandled rejection meanwhile.
  dashboardBuilt.catch(() => undefined);
  let started: string[];
  try {
    ({ started } = await up(layout, progress, options.signal ? { signal: options.signal } : {}));
  } catch (error) {
    builds.abort();
    await dashboardBuilt.catch(() => undefined);
    throw error;
  }
  const stack: Stack = {
    connection: await connectionFor(layout),
    devices: [],
    credentialsFiles: {},
    identityHttpPort: 0,
    operatorHttpPort: 0,
    apps: [],
    startedServers: started,
    stopping: false,
  };
  try {
    await startApps(stack, layout, progress, { ...options, dashboardBuilt });
    options.signal?.throwIfAborted();
  } catch (error) {
    builds.abort();
    await dashboardBuilt.catch(() => undefined);
    await stopStack(stack, layout, progress).catch((stopError: unknown) => {
      throw new TeardownFailed(error, stopError);
    });
    throw error;
  }
  return stack;
}

/**
 * Stops the apps, removes the containers the stack's agents ran (agents leave
 * containers running when they stop: that is their job on a device), then stops
 * the platform servers this stack started (not ones that were already up).
 * Every step is tried even when one fails; the first failure is rethrown.
 */
export async function stopStack(stack: Stack, layout: Layout, progress: Progress): Promise<void> {
  stack.stopping = true;
  const failures: unknown[] = [];
  const attempt = (work: () => Promise<unknown>): Promise<void> =>
    work().then(
      () => undefined,
      (error: unknown) => {
        failures.push(error);
      },
    );
  for (const app of [...stack.apps].reverse()) {
    await attempt(() => progress.step(`stop ${app.name}`, () => app.stop()));
  }
  await attempt(() =>
    progress.step("remove the demo devices' containers", () => cleanupDemoContainers(stack)),
  );
  if (stack.startedServers.length === 0)
    progress.info("the platform servers were already running before; they stay up");
  else await attempt(() => down(layout, progress, stack.startedServers));
  if (failures.length > 0) throw failures[0];
}

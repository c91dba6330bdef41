// Brings the whole platform up on this machine, step by step with progress
// lines, and takes it down again: local servers (with the IdP), CRD, operator,
// agents and the dashboard. `npm run demo` and the Playwright suite both use it.
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { installCrd } from "@fleet/operator";
import { silentLogger } from "@fleet/runtime";
import {
  connectionFor,
  down,
  freePort,
  up,
  type Layout,
  type PlatformConnection,
  type Progress,
} from "@fleet/local-platform";
import type { RunningApp } from "./app-process.js";
import { cleanupDemoContainers } from "./cleanup.js";
import { startAgent, startDashboard, startOperator } from "./stack-apps.js";

export { HEARTBEAT_SECONDS } from "./stack-apps.js";

export interface StackOptions {
  /** Agents for demo-device-1 … demo-device-N. */
  devices: number;
  /** Build (cached) and serve the dashboard on FLEET_WEB_PORT. */
  dashboard: boolean;
  /** Log files are <logDir>/<logPrefix>-<app>.log. */
  logPrefix: string;
  /** Aborting stops the start-up after the step in progress. */
  signal?: AbortSignal;
}

export interface Stack {
  connection: PlatformConnection;
  devices: string[];
  operatorHttpPort: number;
  /** Set when the dashboard was started. */
  dashboardUrl?: string;
  /** In start order; stopped in reverse. */
  apps: RunningApp[];
  /** Platform servers this stack started (the ones it stops). */
  startedServers: string[];
}

async function startApps(
  stack: Stack,
  layout: Layout,
  progress: Progress,
  options: StackOptions,
): Promise<void> {
  const { connection } = stack;
  const checkpoint = (): void => options.signal?.throwIfAborted();
  const log = (app: string): string => join(layout.logDir, `${options.logPrefix}-${app}.log`);
  const kc = new KubeConfig();
  kc.loadFromFile(connection.kubeconfig);
  await progress.step("install the Deployment CRD (iot-operator install)", () =>
    installCrd(kc, silentLogger(), 60_000),
  );
  checkpoint();
  stack.operatorHttpPort = await freePort();
  stack.apps.push(
    await progress.step("start the operator (iot-operator run)", () =>
      startOperator(connection, stack.operatorHttpPort, log("operator")),
    ),
  );
  for (let i = 1; i <= options.devices; i++) {
    checkpoint();
    const device = `demo-device-${i}`;
    stack.devices.push(device);
    stack.apps.push(
      await progress.step(`start an agent for ${device} (iot-agent)`, () =>
        startAgent(connection, device, layout, log(device)),
      ),
    );
  }
  if (options.dashboard) {
    checkpoint();
    const server = await startDashboard(connection, kc, layout, progress, options.logPrefix);
    stack.apps.push({ name: "dashboard", log: server.logFile, stop: () => server.stop() });
    stack.dashboardUrl = server.url;
  }
}

/** Starts everything; on a failure, stops what it had started and rethrows. */
export async function startStack(
  layout: Layout,
  progress: Progress,
  options: StackOptions,
): Promise<Stack> {
  const { started } = await up(layout, progress);
  const stack: Stack = {
    connection: await connectionFor(layout),
    devices: [],
    operatorHttpPort: 0,
    apps: [],
    startedServers: started,
  };
  try {
    await startApps(stack, layout, progress, options);
    options.signal?.throwIfAborted();
  } catch (error) {
    await stopStack(stack, layout, progress).catch(() => undefined);
    throw error;
  }
  return stack;
}

/**
 * Stops the apps, removes the containers the stack's agents ran (agents leave
 * containers running when they stop: that is their job on a device), then stops
 * the platform servers this stack started (not ones that were already up).
 */
export async function stopStack(stack: Stack, layout: Layout, progress: Progress): Promise<void> {
  for (const app of [...stack.apps].reverse()) {
    await progress.step(`stop ${app.name}`, () => app.stop());
  }
  await progress.step("remove the demo devices' containers", () => cleanupDemoContainers(stack));
  if (stack.startedServers.length === 0) {
    progress.info("the platform servers were already running before; they stay up");
    return;
  }
  await down(layout, progress, stack.startedServers);
}

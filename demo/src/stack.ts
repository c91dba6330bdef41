// Brings the whole platform up on this machine, step by step with progress
// lines, and takes it down again: local servers, CRD, operator, agents.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { agentStatusKey, BUCKET_AGENT_STATUS, decodeAgentStatus } from "@fleet/contracts";
import { installCrd } from "@fleet/operator";
import {
  connectionFor,
  down,
  freePort,
  up,
  waitUntil,
  type Layout,
  type PlatformConnection,
  type Progress,
} from "@fleet/local-platform";
import { startApp, stopApp, type AppProcess } from "./app-process.js";
import { cleanupDemoContainers } from "./cleanup.js";
import { silentLogger } from "./silent-logger.js";

export interface Stack {
  connection: PlatformConnection;
  devices: string[];
  operatorHttpPort: number;
  apps: AppProcess[];
  startedServers: string[];
}

export const HEARTBEAT_SECONDS = 2;

async function waitForOperator(port: number, log: string): Promise<void> {
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
    what: "iot-operator /readyz",
    timeoutMs: 90_000,
    hint: `see ${log}`,
  });
}

async function waitForHeartbeat(
  natsUrl: string,
  device: string,
  since: number,
  log: string,
): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const kv = await new Kvm(nc).open(BUCKET_AGENT_STATUS);
    await waitUntil(
      async () => {
        const entry = await kv.get(agentStatusKey(device));
        if (!entry || entry.value.length === 0) return false;
        return Date.parse(decodeAgentStatus(entry.value).lastHeartbeatAt) >= since;
      },
      { what: `heartbeat of ${device}`, timeoutMs: 90_000, hint: `see ${log}` },
    );
  } finally {
    await nc.close();
  }
}

export async function startStack(
  layout: Layout,
  progress: Progress,
  deviceCount: number,
): Promise<Stack> {
  const { started } = await up(layout, progress);
  const connection = await connectionFor(layout);
  const stack: Stack = {
    connection,
    devices: [],
    operatorHttpPort: 0,
    apps: [],
    startedServers: started,
  };
  const kc = new KubeConfig();
  kc.loadFromFile(connection.kubeconfig);
  await progress.step("install the Deployment CRD (iot-operator install)", () =>
    installCrd(kc, silentLogger, 60_000),
  );

  stack.operatorHttpPort = await freePort();
  await progress.step("start the operator (iot-operator run)", async () => {
    const operator = startApp(
      "operator",
      "apps/operator/src/main.ts",
      [
        "run",
        "--http-port",
        String(stack.operatorHttpPort),
        "--heartbeat-period",
        `${HEARTBEAT_SECONDS}s`,
      ],
      { KUBECONFIG: connection.kubeconfig, NATS_URL: connection.natsUrl },
      layout.logDir,
    );
    stack.apps.push(operator);
    await waitForOperator(stack.operatorHttpPort, operator.log);
  });

  for (let i = 1; i <= deviceCount; i++) {
    const device = `demo-device-${i}`;
    await progress.step(`start an agent for ${device} (iot-agent)`, async () => {
      const dataDir = join(layout.root, "demo", device);
      await mkdir(dataDir, { recursive: true });
      const since = Date.now();
      const agent = startApp(
        device,
        "apps/agent/src/main.ts",
        [
          "--device-id",
          device,
          "--nats-servers",
          connection.natsUrl,
          "--podman-socket",
          connection.podmanSocket,
          "--heartbeat-seconds",
          String(HEARTBEAT_SECONDS),
          "--data-dir",
          dataDir,
        ],
        {},
        layout.logDir,
      );
      stack.apps.push(agent);
      stack.devices.push(device);
      await waitForHeartbeat(connection.natsUrl, device, since, agent.log);
    });
  }
  return stack;
}

/**
 * Stops the apps, removes the containers the demo's agents ran (agents leave
 * containers running when they stop: that is their job on a device), then stops
 * the platform servers this demo started (not ones that were already up).
 */
export async function stopStack(stack: Stack, layout: Layout, progress: Progress): Promise<void> {
  for (const app of [...stack.apps].reverse()) {
    await progress.step(`stop ${app.name}`, () => stopApp(app));
  }
  await progress.step("remove the demo devices' containers", () => cleanupDemoContainers(stack));
  if (stack.startedServers.length === 0) {
    progress.info("the platform servers were already running before the demo; they stay up");
    return;
  }
  await down(layout, progress, stack.startedServers);
}

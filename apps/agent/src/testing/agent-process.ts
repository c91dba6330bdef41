// Runs the agent under test: as a real child process (for tests that SIGKILL
// or restart it) or in-process. The child is `node --import tsx <its bin>`
// — one process, so a signal hits the agent itself, not a wrapper (npx and
// the tsx CLI each put a parent process in between).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import pino from "pino";
import { startAgent, type RunningAgent } from "../agent.js";
import type { AgentConfig } from "../config/settings.js";

const APP_DIR = fileURLToPath(new URL("../..", import.meta.url));
/** The agent's bin, as its package exports it. */
const AGENT_BIN = createRequire(import.meta.url).resolve("@fleet/agent/bin");

export interface AgentArgs {
  device: string;
  natsUrl: string;
  podmanSocket: string;
  dataDir: string;
  heartbeatSeconds?: number;
  resyncSeconds?: number;
}

export function agentConfig(args: AgentArgs): AgentConfig {
  return {
    deviceId: args.device,
    natsServers: [args.natsUrl],
    credentials: { type: "none" },
    podmanSocket: args.podmanSocket,
    heartbeatSeconds: args.heartbeatSeconds ?? 1,
    resyncSeconds: args.resyncSeconds ?? 30,
    inventorySeconds: 300,
    dataDir: args.dataDir,
    logLevel: "warn",
  };
}

export function startAgentProcess(args: AgentArgs): ResultPromise {
  const config = agentConfig(args);
  return execa(
    process.execPath,
    [
      "--import",
      "tsx",
      AGENT_BIN,
      `--device-id=${config.deviceId}`,
      `--nats-servers=${config.natsServers.join(",")}`,
      "--credentials=none",
      `--podman-socket=${config.podmanSocket}`,
      `--data-dir=${config.dataDir}`,
      `--heartbeat-seconds=${config.heartbeatSeconds}`,
      `--resync-seconds=${config.resyncSeconds}`,
    ],
    {
      cwd: APP_DIR,
      reject: false,
      env: { LOG_LEVEL: process.env.AGENT_TEST_LOG_LEVEL ?? "warn" },
      stdout: "inherit",
      stderr: "inherit",
    },
  );
}

export function startAgentInProcess(args: AgentArgs): Promise<RunningAgent> {
  const logger = pino({
    name: `iot-agent-${args.device}`,
    level: process.env.AGENT_TEST_LOG_LEVEL ?? "warn",
  });
  return startAgent(agentConfig(args), logger);
}

export { APP_DIR };

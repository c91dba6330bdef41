// Runs the agent under test: as a real child process (for tests that SIGKILL
// or restart it) or in-process. The child is `node --import tsx <its bin>`
// — one process, so a signal hits the agent itself, not a wrapper (npx and
// the tsx CLI each put a parent process in between). Either way the agent
// gets its settings as flags, through the same resolution as `iot-agent`,
// and its identity from a provisioned device's credential file. `iot-agent
// enroll` runs the same way, as a device would run it.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import pino from "pino";
import { startAgent, type RunningAgent } from "../agent.js";
import { loadConfig } from "../config/load.js";
import type { SettingName } from "../config/settings.js";
import { SETTINGS } from "../config/settings.js";
import { readEnv } from "../env.js";

const APP_DIR = fileURLToPath(new URL("../..", import.meta.url));
/** The agent's bin, as its package exports it. */
const AGENT_BIN = createRequire(import.meta.url).resolve("@fleet/agent/bin");

export interface AgentArgs {
  /** The device's credential file (0600); the device id and NATS servers come from it. */
  credentialsFile: string;
  podmanSocket: string;
  dataDir: string;
  heartbeatSeconds?: number;
  resyncSeconds?: number;
  /** Overrides the credential file's NATS servers. */
  natsUrl?: string;
}

const LOG_LEVEL = (): string => process.env.AGENT_TEST_LOG_LEVEL ?? "warn";

/** The agent's settings for `args`, as flag values. */
export function agentFlags(args: AgentArgs): Partial<Record<SettingName, string>> {
  return {
    credentials: args.credentialsFile,
    podmanSocket: args.podmanSocket,
    dataDir: args.dataDir,
    heartbeatSeconds: String(args.heartbeatSeconds ?? 1),
    resyncSeconds: String(args.resyncSeconds ?? 30),
    logLevel: LOG_LEVEL(),
    ...(args.natsUrl === undefined ? {} : { natsServers: args.natsUrl }),
  };
}

/** The same settings as command-line arguments of `iot-agent`. */
export function agentArgv(args: AgentArgs): string[] {
  return Object.entries(agentFlags(args)).map(
    ([name, value]) => `--${SETTINGS[name as SettingName].flag}=${value}`,
  );
}

function runAgentBin(
  argv: string[],
  output: "inherit" | "pipe",
  extraEnv: Record<string, string> = {},
): ResultPromise {
  return execa(process.execPath, ["--import", "tsx", AGENT_BIN, ...argv], {
    cwd: APP_DIR,
    reject: false,
    // No IOT_AGENT_* from the test's environment: the flags are the whole configuration.
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: LOG_LEVEL(), ...extraEnv },
    extendEnv: false,
    stdout: output,
    stderr: output,
  });
}

export interface AgentProcessOptions {
  /** More environment for the process, e.g. libfaketime's (never IOT_AGENT_* settings). */
  env?: Record<string, string>;
}

export function startAgentProcess(
  args: AgentArgs,
  options: AgentProcessOptions = {},
): ResultPromise {
  return runAgentBin(agentArgv(args), "inherit", options.env);
}

export interface DoctorRun {
  exitCode: number | undefined;
  /** The report's lines (stdout). */
  lines: string[];
  stderr: string;
}

/** `iot-agent doctor` with the agent's settings for `args`. */
export async function runDoctorProcess(args: AgentArgs): Promise<DoctorRun> {
  const result = await runAgentBin(["doctor", ...agentArgv(args)], "pipe");
  return {
    exitCode: result.exitCode,
    lines: String(result.stdout)
      .split("\n")
      .filter((line) => line !== ""),
    stderr: String(result.stderr),
  };
}

export interface EnrollArgs {
  server: string;
  /** The CA to trust for the server; none: the system's CAs only. */
  serverCa?: string;
  /** The file holding the enrollment token (never given on the command line). */
  tokenFile: string;
  deviceId: string;
  credentialsFile: string;
  pollMaxSeconds?: number;
}

export interface EnrollProcess {
  child: ResultPromise;
  /** Its progress lines (stdout) and errors (stderr), as they come. */
  lines: string[];
}

/** `iot-agent enroll` as a device runs it: a child process whose output lines are collected. */
export function startEnrollProcess(args: EnrollArgs): EnrollProcess {
  const lines: string[] = [];
  const child = runAgentBin(
    [
      "enroll",
      `--server=${args.server}`,
      ...(args.serverCa === undefined ? [] : [`--server-ca=${args.serverCa}`]),
      `--token-file=${args.tokenFile}`,
      `--device-id=${args.deviceId}`,
      `--credentials=${args.credentialsFile}`,
      `--poll-max-seconds=${String(args.pollMaxSeconds ?? 1)}`,
    ],
    "pipe",
  );
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString().split("\n")) if (line.trim() !== "") lines.push(line);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return { child, lines };
}

export async function startAgentInProcess(args: AgentArgs): Promise<RunningAgent> {
  const config = await loadConfig({
    flags: agentFlags(args),
    configFlag: undefined,
    env: readEnv({}),
  });
  const logger = pino({ name: `iot-agent-${config.deviceId}`, level: LOG_LEVEL() });
  return startAgent(config, logger);
}

export { APP_DIR };

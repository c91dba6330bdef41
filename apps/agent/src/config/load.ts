// Resolves the agent's settings: flags > env > config file > defaults, each
// validated on its own so every error names the setting, the bad value and its
// source (@fleet/runtime). Then completes them from the credential file (the
// device id, and the NATS servers unless a setting names others). Runs before
// the agent touches NATS, podman or the disk (besides reading the two files).
import { existsSync } from "node:fs";
import {
  ConfigError,
  isConfigError,
  readConfigFile,
  resolveConfig,
  type ConfigFile,
  type ConfigProblem,
  type ConfigSource,
} from "@fleet/runtime";
import type { AgentEnv } from "../env.js";
import {
  HOW_TO_GET_CREDENTIALS,
  inspectCredentialFile,
  type CredentialFileReport,
} from "../identity/credential-file.js";
import { SETTINGS, type AgentConfig, type AgentSettings, type SettingName } from "./settings.js";

/** Read when it exists and no --config / IOT_AGENT_CONFIG names another file. */
export const DEFAULT_CONFIG_FILE = "/etc/iot-agent/config.json";

export interface ConfigInputs {
  flags: Partial<Record<SettingName, string>>;
  /** --config, if given. */
  configFlag: string | undefined;
  env: AgentEnv;
}

/** The resolved settings and where each came from (for errors found after resolution). */
export interface ResolvedSettings {
  settings: AgentSettings;
  sourceOf: (name: SettingName) => ConfigSource | undefined;
}

function configFilePath(inputs: ConfigInputs): { path: string; namedBy: string } | undefined {
  if (inputs.configFlag !== undefined)
    return { path: inputs.configFlag, namedBy: "--config (flag)" };
  if (inputs.env.IOT_AGENT_CONFIG !== undefined) {
    return { path: inputs.env.IOT_AGENT_CONFIG, namedBy: "IOT_AGENT_CONFIG (env)" };
  }
  if (existsSync(DEFAULT_CONFIG_FILE)) return { path: DEFAULT_CONFIG_FILE, namedBy: "default" };
  return undefined;
}

/** A missing credential also says how to get one. */
function withCredentialHint(error: ConfigError): ConfigError {
  return new ConfigError(
    error.problems.map((problem) =>
      problem.setting === "credentials" && problem.source === undefined
        ? {
            ...problem,
            reason: `${problem.reason}; the agent never connects without one: ${HOW_TO_GET_CREDENTIALS}`,
          }
        : problem,
    ),
    { cause: error },
  );
}

/** The same precedence as resolveConfig, for a value that is valid alone but not with the rest. */
function sourceFinder(
  inputs: ConfigInputs,
  file: ConfigFile | undefined,
): ResolvedSettings["sourceOf"] {
  return (name) => {
    const setting = SETTINGS[name];
    if (inputs.flags[name] !== undefined) return { kind: "flag", flag: setting.flag };
    if (inputs.env[setting.env] !== undefined) return { kind: "env", variable: setting.env };
    if (file !== undefined && Object.hasOwn(file.values, name)) {
      return { kind: "file", path: file.path, key: name };
    }
    return undefined;
  };
}

/** The validated settings, or a ConfigError listing every problem. The credential file is not read yet. */
export async function loadSettings(inputs: ConfigInputs): Promise<ResolvedSettings> {
  const where = configFilePath(inputs);
  const file =
    where === undefined ? undefined : await readConfigFile(where.path, SETTINGS, where.namedBy);
  try {
    const settings = resolveConfig(SETTINGS, {
      flags: inputs.flags,
      env: inputs.env,
      ...(file === undefined ? {} : { file }),
      acceptsFile: true,
    });
    return { settings, sourceOf: sourceFinder(inputs, file) };
  } catch (error) {
    throw isConfigError(error) ? withCredentialHint(error) : error;
  }
}

/** Everything wrong with the credential file, and with the settings it must agree with. */
export function credentialProblems(
  resolved: ResolvedSettings,
  report: CredentialFileReport,
): ConfigProblem[] {
  const problems: ConfigProblem[] = report.problems.map((reason) => ({
    setting: "credentials",
    source: undefined,
    reason,
  }));
  const { deviceId } = resolved.settings;
  const fromFile = report.credentials?.deviceId;
  if (deviceId !== undefined && fromFile !== undefined && deviceId !== fromFile) {
    problems.push({
      setting: "deviceId",
      source: resolved.sourceOf("deviceId"),
      value: deviceId,
      reason:
        `differs from deviceId "${fromFile}" in the credential file ${resolved.settings.credentials}: ` +
        "leave the device id out (the credential file names the device) or use that device's credential file",
    });
  }
  return problems;
}

/** The settings completed from the credential file, or a ConfigError naming what is wrong with it. */
export async function configFromSettings(resolved: ResolvedSettings): Promise<AgentConfig> {
  const { settings } = resolved;
  const report = await inspectCredentialFile(settings.credentials);
  const problems = credentialProblems(resolved, report);
  const device = report.credentials;
  if (problems.length > 0 || device === undefined) throw new ConfigError(problems);
  return {
    ...settings,
    deviceId: device.deviceId,
    natsServers: settings.natsServers ?? device.natsServers,
    credentials: { file: settings.credentials, device },
  };
}

/** The validated configuration, or a ConfigError listing every problem (the settings first, then the credential file). */
export async function loadConfig(inputs: ConfigInputs): Promise<AgentConfig> {
  return configFromSettings(await loadSettings(inputs));
}

// Resolves the agent's settings: flags > env > config file > defaults, each
// validated on its own so every error names the setting, the bad value and its
// source (@fleet/runtime). Runs before the agent touches NATS, podman or the
// disk (besides reading the file).
import { existsSync } from "node:fs";
import { readConfigFile, resolveConfig } from "@fleet/runtime";
import type { AgentEnv } from "../env.js";
import { SETTINGS, type AgentConfig, type SettingName } from "./settings.js";

/** Read when it exists and no --config / IOT_AGENT_CONFIG names another file. */
export const DEFAULT_CONFIG_FILE = "/etc/iot-agent/config.json";

export interface ConfigInputs {
  flags: Partial<Record<SettingName, string>>;
  /** --config, if given. */
  configFlag: string | undefined;
  env: AgentEnv;
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

/** The validated configuration, or a ConfigError listing every problem. */
export async function loadConfig(inputs: ConfigInputs): Promise<AgentConfig> {
  const where = configFilePath(inputs);
  const file =
    where === undefined ? undefined : await readConfigFile(where.path, SETTINGS, where.namedBy);
  return resolveConfig(SETTINGS, {
    flags: inputs.flags,
    env: inputs.env,
    ...(file === undefined ? {} : { file }),
    acceptsFile: true,
  });
}

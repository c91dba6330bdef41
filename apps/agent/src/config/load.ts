// Merges defaults < config file < env < flags, then validates every setting on
// its own so each error names the setting, the bad value and its source. Runs
// before the agent touches NATS, podman or the disk (besides reading the file).
import { existsSync } from "node:fs";
import { formatPath } from "@fleet/contracts";
import { ENV_SETTINGS, type AgentEnv } from "../env.js";
import { ConfigError } from "../errors.js";
import { envLayer, fileLayer, flagLayer, type Layer, type RawValue } from "./sources.js";
import { SETTING_NAMES, SETTINGS, flagOf, type AgentConfig, type SettingName } from "./settings.js";

/** Read when it exists and no --config / IOT_AGENT_CONFIG names another file. */
export const DEFAULT_CONFIG_FILE = "/etc/iot-agent/config.json";

export interface ConfigInputs {
  flags: Partial<Record<SettingName, string>>;
  /** --config, if given. */
  configFlag: string | undefined;
  env: AgentEnv;
}

function configFilePath(inputs: ConfigInputs): { path: string; source: string } | undefined {
  if (inputs.configFlag !== undefined) return { path: inputs.configFlag, source: "flag --config" };
  if (inputs.env.IOT_AGENT_CONFIG !== undefined) {
    return { path: inputs.env.IOT_AGENT_CONFIG, source: "env IOT_AGENT_CONFIG" };
  }
  if (existsSync(DEFAULT_CONFIG_FILE)) return { path: DEFAULT_CONFIG_FILE, source: "default" };
  return undefined;
}

function envVariableOf(name: SettingName): string {
  return Object.entries(ENV_SETTINGS).find(([, setting]) => setting === name)?.[0] ?? name;
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

function validate(name: SettingName, raw: RawValue | undefined, problems: string[]): unknown {
  const setting = SETTINGS[name];
  if (raw === undefined) {
    if (setting.default === undefined) {
      problems.push(
        `${name} is required: set ${flagOf(name)}, env ${envVariableOf(name)} or "${name}" in the config file`,
      );
    }
    return setting.default;
  }
  const parsed = setting.schema.safeParse(raw.value);
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues.map((issue) => {
    const at = issue.path.length > 0 ? ` (at ${formatPath(issue.path)})` : "";
    return `${issue.message}${at}`;
  });
  problems.push(`${name} = ${show(raw.value)} (from ${raw.source}): ${reasons.join("; ")}`);
  return undefined;
}

/** The validated configuration, or a ConfigError listing every problem. */
export async function loadConfig(inputs: ConfigInputs): Promise<AgentConfig> {
  const file = configFilePath(inputs);
  const layers: Layer[] = [
    file === undefined ? {} : await fileLayer(file.path, file.source),
    envLayer(inputs.env),
    flagLayer(inputs.flags),
  ];
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    // Later layers win: flags > env > file > default.
    const raw = layers.reduce<RawValue | undefined>(
      (found, layer) => layer[name] ?? found,
      undefined,
    );
    config[name] = validate(name, raw, problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as AgentConfig;
}

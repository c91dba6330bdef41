// The three places a setting can come from besides its default, each turned
// into a layer of raw values that remembers where every value came from.
import { readFile } from "node:fs/promises";
import { ENV_SETTINGS, type AgentEnv, type EnvVariable } from "../env.js";
import { ConfigError, messageOf } from "../errors.js";
import { flagOf, SETTING_NAMES, type SettingName } from "./settings.js";

export interface RawValue {
  value: unknown;
  /** Where it came from, for error messages: `flag --data-dir`, `env IOT_AGENT_DATA_DIR`, ... */
  source: string;
}

export type Layer = Partial<Record<SettingName, RawValue>>;

export function flagLayer(flags: Partial<Record<SettingName, string>>): Layer {
  const layer: Layer = {};
  for (const name of SETTING_NAMES) {
    const value = flags[name];
    if (value !== undefined) layer[name] = { value, source: `flag ${flagOf(name)}` };
  }
  return layer;
}

export function envLayer(env: AgentEnv): Layer {
  const layer: Layer = {};
  for (const [variable, name] of Object.entries(ENV_SETTINGS)) {
    if (name === "configFile") continue;
    const value = env[variable as EnvVariable];
    if (value !== undefined) layer[name] = { value, source: `env ${variable}` };
  }
  return layer;
}

/** Reads the JSON config file; unknown keys are errors, so a typo never goes unnoticed. */
export async function fileLayer(path: string, pathSource: string): Promise<Layer> {
  const where = `config file ${path} (from ${pathSource})`;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new ConfigError([`${where}: cannot read it: ${messageOf(cause)}`], { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError([`${where}: not valid JSON: ${messageOf(cause)}`], { cause });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ConfigError([`${where}: must be a JSON object of settings`]);
  }
  const layer: Layer = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    if ((SETTING_NAMES as string[]).includes(key)) {
      layer[key as SettingName] = { value, source: `config file ${path}` };
    } else {
      problems.push(`${where}: unknown setting "${key}" (known: ${SETTING_NAMES.join(", ")})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return layer;
}

// Resolves the service's settings: flags > env > config file > defaults, each
// validated so every error names the setting, the bad value and its source.
// Runs before anything connects.
import { readConfigFile, resolveConfig } from "@fleet/runtime";
import type { IdentityEnv } from "../env.js";
import { SETTINGS, type IdentityConfig, type SettingName } from "./settings.js";

export interface ConfigInputs {
  flags: Partial<Record<SettingName, string>>;
  /** --config, if given. */
  configFlag: string | undefined;
  env: IdentityEnv;
}

/** The validated configuration, or a ConfigError listing every problem. */
export async function loadConfig(inputs: ConfigInputs): Promise<IdentityConfig> {
  const where =
    inputs.configFlag !== undefined
      ? { path: inputs.configFlag, namedBy: "--config (flag)" }
      : inputs.env.IOT_IDENTITY_CONFIG !== undefined
        ? { path: inputs.env.IOT_IDENTITY_CONFIG, namedBy: "IOT_IDENTITY_CONFIG (env)" }
        : undefined;
  const file =
    where === undefined ? undefined : await readConfigFile(where.path, SETTINGS, where.namedBy);
  return resolveConfig(SETTINGS, {
    flags: inputs.flags,
    env: inputs.env,
    ...(file === undefined ? {} : { file }),
    acceptsFile: true,
  });
}

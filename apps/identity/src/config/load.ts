// Resolves the service's settings: flags > env > config file > defaults, each
// validated so every error names the setting, the bad value and its source.
// Runs before anything connects.
import { ConfigError, readConfigFile, resolveConfig, type ConfigProblem } from "@fleet/runtime";
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
  const config = resolveConfig(SETTINGS, {
    flags: inputs.flags,
    env: inputs.env,
    ...(file === undefined ? {} : { file }),
    acceptsFile: true,
  });
  const problems = enrollmentProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const ENROLLMENT_API: readonly SettingName[] = [
  "enrollmentTlsCert",
  "enrollmentTlsKey",
  "enrollmentPublicUrl",
];

const named = (name: SettingName): string => `${SETTINGS[name].env} (--${SETTINGS[name].flag})`;

/** The enrollment API needs all of its settings, and the registrar (the IdP admin key) behind it. */
function enrollmentProblems(config: IdentityConfig): ConfigProblem[] {
  const given = ENROLLMENT_API.filter((name) => config[name] !== undefined);
  if (given.length === 0) return [];
  const problems: ConfigProblem[] = ENROLLMENT_API.filter((name) => config[name] === undefined).map(
    (name) => ({
      setting: name,
      source: undefined,
      reason: `${named(name)} is missing: the enrollment API needs ${ENROLLMENT_API.map(named).join(", ")} (${given.map(named).join(", ")} set)`,
    }),
  );
  if (config.idpAdminKey === undefined)
    problems.push({
      setting: "idpAdminKey",
      source: undefined,
      reason: `${named("idpAdminKey")} is missing: the enrollment API is on, and only the registrar (which needs the IdP admin key) can issue enrolled devices their identity`,
    });
  return problems;
}

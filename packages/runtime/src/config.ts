// Configuration resolution shared by every program: each setting is taken from
// its flag, else its environment variable, else the config file, else its
// default, and validated with its zod schema. Every bad value is reported with
// the place it came from ("--heartbeat-period (flag)", "HEARTBEAT_PERIOD (env)",
// "heartbeatPeriod in /etc/iot/agent.json"), all of them in one error, before
// the program touches anything.
import { z } from "zod";
import { ConfigError, type ConfigProblem, type ConfigSource } from "./errors.js";

export interface Setting<S extends z.ZodType = z.ZodType> {
  /** Parses the text a flag or variable gives, and the JSON value of the config file. */
  schema: S;
  /** Its long flag without dashes (e.g. heartbeat-period); the value is read under the setting's key. */
  flag?: string;
  /** The environment variable that sets it. */
  env?: string;
  /** The value when no source sets it; parsed (so checked) by the same schema. */
  default?: z.input<S>;
  /** A missing value is a problem that says how to set it. */
  required?: boolean;
}

export type Settings = Record<string, Setting>;

/** Settings with a default or marked required always have a value; the others may be unset. */
export type ConfigValues<T extends Settings> = {
  [K in keyof T]: T[K] extends { default: unknown } | { required: true }
    ? z.output<T[K]["schema"]>
    : z.output<T[K]["schema"]> | undefined;
};

/** A config file's settings, as readConfigFile returns them. */
export interface ConfigFile {
  path: string;
  values: Readonly<Record<string, unknown>>;
}

export interface ConfigSources {
  /** Flag values by setting key (commander's options object); undefined means not given. */
  flags?: Readonly<Record<string, unknown>>;
  env?: Readonly<Record<string, string | undefined>>;
  file?: ConfigFile;
  /** The program reads a config file (even if none is there now): the hint for a missing setting mentions it. */
  acceptsFile?: boolean;
}

interface Raw {
  value: unknown;
  source: ConfigSource;
}

function find(key: string, setting: Setting, sources: ConfigSources): Raw | undefined {
  const fromFlag = sources.flags?.[key];
  if (fromFlag !== undefined)
    return { value: fromFlag, source: { kind: "flag", flag: setting.flag ?? key } };
  const fromEnv = setting.env === undefined ? undefined : sources.env?.[setting.env];
  if (fromEnv !== undefined && setting.env !== undefined) {
    return { value: fromEnv, source: { kind: "env", variable: setting.env } };
  }
  const file = sources.file;
  if (file !== undefined && Object.hasOwn(file.values, key)) {
    return { value: file.values[key], source: { kind: "file", path: file.path, key } };
  }
  if (setting.default !== undefined) {
    return {
      value: setting.default,
      source:
        setting.flag === undefined ? { kind: "default" } : { kind: "default", flag: setting.flag },
    };
  }
  return undefined;
}

function howToSet(key: string, setting: Setting, acceptsFile: boolean): string {
  const ways = [
    ...(setting.flag === undefined ? [] : [`--${setting.flag}`]),
    ...(setting.env === undefined ? [] : [`env ${setting.env}`]),
    ...(acceptsFile ? [`"${key}" in the config file`] : []),
  ];
  const last = ways.pop();
  return ways.length === 0 ? (last ?? "") : `${ways.join(", ")} or ${last ?? ""}`;
}

/** zod's reasons, with the place inside the value when it has parts. */
function reasonsOf(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length === 0
        ? issue.message
        : `${issue.message} (at ${z.core.toDotPath(issue.path)})`,
    )
    .join("; ");
}

/** Resolves and validates every setting; throws one ConfigError naming every problem and its source. */
export function resolveConfig<T extends Settings>(
  settings: T,
  sources: ConfigSources,
): ConfigValues<T> {
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const raw = find(key, setting, sources);
    if (raw === undefined) {
      if (setting.required === true) {
        const how = howToSet(key, setting, sources.acceptsFile === true);
        problems.push({
          setting: key,
          source: undefined,
          reason: `${key} is required: set ${how}`,
        });
      }
      values[key] = undefined;
      continue;
    }
    const parsed = setting.schema.safeParse(raw.value);
    if (parsed.success) values[key] = parsed.data;
    else {
      problems.push({
        setting: key,
        source: raw.source,
        value: raw.value,
        reason: reasonsOf(parsed.error),
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as ConfigValues<T>;
}

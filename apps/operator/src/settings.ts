// Generic flag > env > default resolution with zod, remembering where each value
// came from so an error can say "--http-port (flag)" or "HTTP_PORT (env)".
import { issuesFromZodError } from "@fleet/contracts";
import { type z } from "zod";
import { ConfigError } from "./errors.js";
import type { OperatorEnv } from "./env.js";

export interface Setting<S extends z.ZodType> {
  /** Long flag name without dashes, as commander stores it in camelCase under `key`. */
  flag: string;
  env?: keyof OperatorEnv;
  schema: S;
  /** Raw default, parsed by the same schema; undefined leaves the setting unset. */
  fallback?: string;
}

export type SettingValues<T extends Record<string, Setting<z.ZodType>>> = {
  [K in keyof T]: z.output<T[K]["schema"]> | undefined;
};

/**
 * Resolves every setting; throws one ConfigError listing every bad value with
 * its source, so all mistakes are fixed in one go.
 */
export function resolveSettings<T extends Record<string, Setting<z.ZodType>>>(
  settings: T,
  flags: Record<string, unknown>,
  env: OperatorEnv,
): SettingValues<T> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const fromFlag = flags[key];
    const fromEnv = setting.env === undefined ? undefined : env[setting.env];
    let raw: unknown;
    let source: string;
    if (fromFlag !== undefined) {
      raw = fromFlag;
      source = `--${setting.flag} (flag)`;
    } else if (fromEnv !== undefined) {
      raw = fromEnv;
      source = `${String(setting.env)} (env)`;
    } else if (setting.fallback !== undefined) {
      raw = setting.fallback;
      source = `--${setting.flag} (default)`;
    } else {
      values[key] = undefined;
      continue;
    }
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      const reasons = issuesFromZodError(parsed.error).map((issue) =>
        issue.path === "(root)" ? issue.message : `${issue.path}: ${issue.message}`,
      );
      problems.push(`${source} = ${JSON.stringify(raw)}: ${reasons.join("; ")}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return values as SettingValues<T>;
}

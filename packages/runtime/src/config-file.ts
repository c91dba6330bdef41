// The config-file source of resolveConfig: a JSON object of settings by key.
// A key that is no setting is an error, so a typo never goes unnoticed.
import { readFile } from "node:fs/promises";
import type { ConfigFile, Settings } from "./config.js";
import { ConfigError, type ConfigSource } from "./errors.js";

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Reads and checks the shape of `path`; the values are validated by
 * resolveConfig. `namedBy` says how the path was chosen, for errors
 * (e.g. "--config (flag)").
 */
export async function readConfigFile(
  path: string,
  settings: Settings,
  namedBy?: string,
): Promise<ConfigFile> {
  const whole: ConfigSource =
    namedBy === undefined ? { kind: "file", path } : { kind: "file", path, namedBy };
  const fail = (reason: string, cause?: unknown): ConfigError =>
    new ConfigError([{ setting: undefined, source: whole, reason }], { cause });
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw fail(`cannot read it: ${messageOf(cause)}`, cause);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw fail(`not valid JSON: ${messageOf(cause)}`, cause);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw fail("must be a JSON object of settings");
  }
  const known = Object.keys(settings);
  const unknown = Object.keys(json).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((key) => ({
        setting: key,
        source: { kind: "file", path, key },
        reason: `not a setting (known: ${known.join(", ")})`,
      })),
    );
  }
  return { path, values: json as Record<string, unknown> };
}

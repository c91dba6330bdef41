// The iot-agent command line: one flag per setting (see config/settings.ts),
// plus --config for the JSON file. Flags are handed to the loader as raw
// strings so all validation, and its error messages, live in one place.
import { Command } from "commander";
import { DEFAULT_CONFIG_FILE, type ConfigInputs } from "./config/load.js";
import { SETTING_NAMES, SETTINGS, type SettingName } from "./config/settings.js";
import { AGENT_VERSION } from "./version.js";

export function buildProgram(): Command {
  const program = new Command("iot-agent")
    .description(
      "The fleet device agent: watches this device's desired state in NATS JetStream KV, " +
        "makes podman match, and publishes an AgentStatus heartbeat.\n" +
        "Precedence: flags > env > config file > defaults.",
    )
    .version(AGENT_VERSION)
    .option(
      "--check-config",
      "validate the configuration, print it as JSON and exit (0 valid, 2 not)",
    )
    .option(
      "--config <file>",
      `JSON config file [env IOT_AGENT_CONFIG] (default: ${DEFAULT_CONFIG_FILE} if it exists)`,
    );
  for (const name of SETTING_NAMES) {
    const setting = SETTINGS[name];
    const fallback = "default" in setting ? ` (default: ${JSON.stringify(setting.default)})` : "";
    program.option(
      `--${setting.flag} ${setting.placeholder}`,
      `${setting.help} [env ${setting.env}]${fallback}`,
    );
  }
  return program;
}

export interface ParsedArgs extends ConfigInputs {
  checkConfig: boolean;
}

/** Parses argv into the loader's inputs (no validation here). */
export function parseArgs(argv: readonly string[], env: ConfigInputs["env"]): ParsedArgs {
  const program = buildProgram().exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<Record<string, string | undefined> & { checkConfig?: boolean }>();
  const flags: Partial<Record<SettingName, string>> = {};
  for (const name of SETTING_NAMES) {
    const value = options[name];
    if (value !== undefined) flags[name] = value;
  }
  return { flags, configFlag: options.config, env, checkConfig: options.checkConfig === true };
}

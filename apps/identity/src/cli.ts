// The iot-identity command line: one flag per setting (config/settings.ts),
// plus --config for a JSON file. Flags reach the loader as raw text, so all
// validation and its messages live in one place.
import { Command } from "commander";
import type { ConfigInputs } from "./config/load.js";
import { SETTING_NAMES, SETTINGS, type SettingName } from "./config/settings.js";

export function buildProgram(): Command {
  const program = new Command("iot-identity")
    .description(
      "The fleet's NATS auth-callout responder: admits devices (IdP access tokens) and browsers " +
        "(dashboard tickets) with exactly their permissions, and closes the connections of " +
        "disabled devices and ended sessions.\nPrecedence: flags > env > config file > defaults.",
    )
    .option("--config <file>", "JSON config file of settings by name [env IOT_IDENTITY_CONFIG]");
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

/** Parses argv into the loader's inputs (no validation here). */
export function parseArgs(argv: readonly string[], env: ConfigInputs["env"]): ConfigInputs {
  const program = buildProgram().exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<Record<string, string | undefined>>();
  const flags: Partial<Record<SettingName, string>> = {};
  for (const name of SETTING_NAMES) {
    // commander keys a value by its flag in camelCase (--nats-url → natsUrl), not by the
    // setting's name (natsServers), so ask the option for its key.
    const option = program.options.find((o) => o.long === `--${SETTINGS[name].flag}`);
    const value = option === undefined ? undefined : options[option.attributeName()];
    if (value !== undefined) flags[name] = value;
  }
  return { flags, configFlag: options.config, env };
}

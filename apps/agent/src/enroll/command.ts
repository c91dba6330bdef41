// The `iot-agent enroll` subcommand's flags (commander), one per enroll
// setting plus --no-wait. Values are handed on as raw strings: settings.ts
// validates them, naming each flag. A --token flag exists only to be refused
// with the reason, instead of commander's bare "unknown option".
import { Command, Option } from "commander";
import {
  ENROLL_SETTING_NAMES,
  ENROLL_SETTINGS,
  ENROLL_TOKEN_ENV,
  type EnrollSettingName,
} from "./settings.js";

export interface EnrollArgs {
  flags: Partial<Record<EnrollSettingName, string>>;
  /** false with --no-wait. */
  wait: boolean;
  /** Set when someone gave the token itself as a flag (refused). */
  tokenOnCommandLine: boolean;
}

export function enrollCommand(): Command {
  const command = new Command("enroll").description(
    "enroll this device: generate its own key pair (the private key never leaves the device), send the " +
      "public key with an enrollment token to the server, wait for a deployer to approve it, then write " +
      `the credential file the agent runs with. The token comes from --token-file or env ${ENROLL_TOKEN_ENV}, ` +
      "never from the command line. Stopped while waiting, the same command resumes.",
  );
  for (const name of ENROLL_SETTING_NAMES) {
    const setting = ENROLL_SETTINGS[name];
    const fallback = "default" in setting ? ` (default: ${JSON.stringify(setting.default)})` : "";
    command.option(
      `--${setting.flag} ${setting.placeholder}`,
      `${setting.help} [env ${setting.env}]${fallback}`,
    );
  }
  command.option(
    "--no-wait",
    "stop once the server has the request; run again later to wait for approval",
  );
  command.addOption(new Option("--token <token>").hideHelp());
  return command;
}

/** The parsed flags of an enroll command that commander has run through. */
export function enrollArgs(command: Command): EnrollArgs {
  const options = command.opts<Record<string, unknown>>();
  const flags: Partial<Record<EnrollSettingName, string>> = {};
  for (const name of ENROLL_SETTING_NAMES) {
    const value = options[name];
    if (typeof value === "string") flags[name] = value;
  }
  return { flags, wait: options.wait !== false, tokenOnCommandLine: options.token !== undefined };
}

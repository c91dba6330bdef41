// The iot-agent command line: one flag per setting (see config/settings.ts),
// plus --config for the JSON file, for the agent itself and for its `doctor`
// subcommand alike. Flags are handed to the loader as raw strings so all
// validation, and its error messages, live in one place.
import { Command } from "commander";
import { DEFAULT_CONFIG_FILE, type ConfigInputs } from "./config/load.js";
import { SETTING_NAMES, SETTINGS, type SettingName } from "./config/settings.js";
import { enrollCommand, enrollArgs, type EnrollArgs } from "./enroll/command.js";
import { AGENT_VERSION } from "./version.js";

/** Adds --config and one option per setting. */
function withSettings(command: Command): Command {
  command.option(
    "--config <file>",
    `JSON config file [env IOT_AGENT_CONFIG] (default: ${DEFAULT_CONFIG_FILE} if it exists)`,
  );
  for (const name of SETTING_NAMES) {
    const setting = SETTINGS[name];
    const fallback = "default" in setting ? ` (default: ${JSON.stringify(setting.default)})` : "";
    command.option(
      `--${setting.flag} ${setting.placeholder}`,
      `${setting.help} [env ${setting.env}]${fallback}`,
    );
  }
  return command;
}

export function buildProgram(): Command {
  const program = withSettings(
    new Command("iot-agent")
      .description(
        "The fleet device agent: watches this device's desired state in NATS JetStream KV, " +
          "makes podman match, and publishes an AgentStatus heartbeat.\n" +
          "Precedence: flags > env > config file > defaults.",
      )
      .version(AGENT_VERSION)
      // The doctor takes the same options: those after `doctor` are its own.
      .enablePositionalOptions()
      .option(
        "--check-config",
        "validate the configuration (and the credential file), print it as JSON and exit (0 valid, 2 not)",
      ),
  );
  program.addCommand(
    withSettings(
      new Command("doctor").description(
        "check this device's set-up, one line per check, with the agent's settings: the credential " +
          "file, a token from the IdP, the NATS connection, reading its own desired state, being " +
          "refused another device's, the podman socket (exit 0 only if every check passes)",
      ),
    ),
  );
  program.addCommand(enrollCommand());
  return program;
}

export interface ParsedArgs extends ConfigInputs {
  command: "run" | "doctor" | "enroll";
  checkConfig: boolean;
  /** The enroll subcommand's own flags, when it was chosen. */
  enroll?: EnrollArgs;
}

type Options = Record<string, string | undefined> & { checkConfig?: boolean };

/** Parses argv into the loader's inputs (no validation here). */
export function parseArgs(argv: readonly string[], env: ConfigInputs["env"]): ParsedArgs {
  const program = buildProgram().exitOverride();
  let command: ParsedArgs["command"] = "run";
  let options: Options = {};
  program.action(() => {
    options = program.opts<Options>();
  });
  const doctor = program.commands.find((c) => c.name() === "doctor");
  doctor?.exitOverride().action(() => {
    command = "doctor";
    // Settings given before `doctor` count too; its own win.
    options = { ...program.opts<Options>(), ...doctor.opts<Options>() };
  });
  let enroll: EnrollArgs | undefined;
  const enrollSubcommand = program.commands.find((c) => c.name() === "enroll");
  enrollSubcommand?.exitOverride().action(() => {
    command = "enroll";
    enroll = enrollArgs(enrollSubcommand);
  });
  program.parse(argv, { from: "user" });
  const flags: Partial<Record<SettingName, string>> = {};
  for (const name of SETTING_NAMES) {
    const value = options[name];
    if (value !== undefined) flags[name] = value;
  }
  return {
    command,
    flags,
    configFlag: options.config,
    env,
    checkConfig: options.checkConfig === true,
    ...(enroll === undefined ? {} : { enroll }),
  };
}

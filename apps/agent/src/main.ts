#!/usr/bin/env tsx
// iot-agent entry point: validate the configuration before touching anything
// (exit 2 with every problem named), then run until SIGTERM/SIGINT; or, as
// `iot-agent doctor`, check the set-up and exit (0 only if every check passed);
// or, as `iot-agent enroll`, enroll this device and write its credential file.
import { CommanderError } from "commander";
import { parseArgs } from "./cli.js";
import { configFromSettings, loadSettings, type ResolvedSettings } from "./config/load.js";
import { runDoctor } from "./doctor/doctor.js";
import { runEnroll } from "./enroll/run-enroll.js";
import { formatReport } from "./doctor/report.js";
import { startAgent } from "./agent.js";
import { readEnv } from "./env.js";
import { messageOf } from "./errors.js";
import { createLogger } from "./logger.js";

const EXIT_CONFIG = 2;
const EXIT_CHECK_FAILED = 1;

/** Runs the checks, prints the report and exits: a check that timed out may leave a request behind. */
async function doctor(resolved: ResolvedSettings): Promise<never> {
  const checklist = await runDoctor(resolved);
  await new Promise<void>((resolve) => {
    process.stdout.write(formatReport(checklist.results), () => {
      resolve();
    });
  });
  process.exit(checklist.allPassed ? 0 : EXIT_CHECK_FAILED);
}

async function main(): Promise<number> {
  let config;
  try {
    const env = readEnv();
    const args = parseArgs(process.argv.slice(2), env);
    if (args.enroll !== undefined) {
      return await runEnroll(args.enroll, env, {
        line: (text) => process.stdout.write(`${text}\n`),
        error: (text) => process.stderr.write(`iot-agent enroll: ${text}\n`),
      });
    }
    const resolved = await loadSettings(args);
    if (args.command === "doctor") return await doctor(resolved);
    config = await configFromSettings(resolved);
    if (args.checkConfig) {
      // The settings as a config file would hold them: the credential file's path, never its key.
      process.stdout.write(`${JSON.stringify(resolved.settings, null, 2)}\n`);
      return 0;
    }
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // --help, --version, unknown flag
    // A ConfigError's message lists every problem with its source.
    process.stderr.write(`iot-agent: ${messageOf(error)}\n`);
    return EXIT_CONFIG;
  }
  const logger = createLogger(config.logLevel);
  const agent = await startAgent(config, logger);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, "signal received");
      resolve();
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  await agent.stop();
  logger.info("stopped");
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `iot-agent: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);

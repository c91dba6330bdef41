#!/usr/bin/env tsx
// iot-agent entry point: validate the configuration before touching anything
// (exit 2 with every problem named), then run until SIGTERM/SIGINT.
import { CommanderError } from "commander";
import { parseArgs } from "./cli.js";
import { loadConfig } from "./config/load.js";
import { startAgent } from "./agent.js";
import { readEnv } from "./env.js";
import { messageOf } from "./errors.js";
import { createLogger } from "./logger.js";

const EXIT_CONFIG = 2;

async function main(): Promise<number> {
  let config;
  try {
    const args = parseArgs(process.argv.slice(2), readEnv());
    config = await loadConfig(args);
    if (args.checkConfig) {
      process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
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

// The operator's one logger: pino JSON, pretty when stdout is a terminal.
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel): Logger {
  const options = { level };
  return process.stdout.isTTY
    ? pino(options, pretty({ colorize: true, sync: true }))
    : pino(options);
}

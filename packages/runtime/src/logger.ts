// The logger factory every fleet program uses: pino, structured (object first,
// then the message), JSON lines for journald and log shippers, pretty output
// when a person watches a terminal. pino-pretty runs as a stream in-process,
// not as a transport worker, so the agent's single-file bundle works too.
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { z } from "zod";

export type { Logger } from "pino";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const logLevelSchema = z.enum(LOG_LEVELS, {
  error: `must be one of ${LOG_LEVELS.join(", ")}`,
});

export interface LoggerOptions {
  level: LogLevel;
  /** Added to every line, so merged logs tell programs apart (e.g. iot-agent). */
  name?: string;
  /** stderr keeps stdout for a program's own output (the bench's figures); default stdout. */
  stream?: "stdout" | "stderr";
}

export function createLogger(options: LoggerOptions): Logger {
  const fd = options.stream === "stderr" ? 2 : 1;
  const settings = {
    level: options.level,
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const terminal = fd === 2 ? process.stderr.isTTY : process.stdout.isTTY;
  return terminal
    ? pino(
        settings,
        pretty({ colorize: true, sync: true, translateTime: "SYS:HH:MM:ss.l", destination: fd }),
      )
    : pino(settings, pino.destination({ fd, sync: true }));
}

/** Drops everything: for tests, and for library calls whose caller prints its own progress. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

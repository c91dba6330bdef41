// The dashboard's one logger: pino JSON, pretty when stdout is a terminal.
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { env } from "./env";

export type { Logger } from "pino";

let cached: Logger | undefined;

export function logger(): Logger {
  if (!cached) {
    const options = { level: env().LOG_LEVEL, base: { app: "fleet-web" } };
    cached = process.stdout.isTTY
      ? pino(options, pretty({ colorize: true, sync: true }))
      : pino(options);
  }
  return cached;
}

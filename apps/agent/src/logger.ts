// The agent's one pino logger: JSON lines for journald and log shippers,
// pretty output when a person watches a terminal. pino-pretty runs as a
// stream in-process (not a transport worker), so the single-file bundle works.
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { readEnv } from "./env.js";

export type { Logger } from "pino";

export function createLogger(level: string = readEnv().LOG_LEVEL): Logger {
  const options = { name: "iot-agent", level };
  if (process.stdout.isTTY) {
    return pino(options, pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l" }));
  }
  return pino(options);
}

// The bench's one logger: pino JSON on stderr (pretty on a terminal), so stdout
// carries only the figures (JSON lines) and the table.
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

export function createLogger(level: string): Logger {
  const options = { level, name: "bench" };
  return process.stderr.isTTY
    ? pino(options, pretty({ colorize: true, sync: true, destination: 2 }))
    : pino(options, pino.destination(2));
}

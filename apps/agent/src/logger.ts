// The agent's logger: the shared factory (@fleet/runtime), named, at the
// configured level (--log-level, LOG_LEVEL or logLevel in the config file).
import { createLogger as createNamedLogger, type Logger, type LogLevel } from "@fleet/runtime";

export type { Logger } from "@fleet/runtime";

export function createLogger(level: LogLevel): Logger {
  return createNamedLogger({ level, name: "iot-agent" });
}

// The operator's logger: the shared factory (@fleet/runtime), named.
import { createLogger as createNamedLogger, type Logger, type LogLevel } from "@fleet/runtime";

export type { Logger } from "@fleet/runtime";

export function createLogger(level: LogLevel): Logger {
  return createNamedLogger({ level, name: "iot-operator" });
}

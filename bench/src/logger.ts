// The bench's logger: the shared factory (@fleet/runtime) on stderr, so stdout
// carries only the figures (JSON lines) and the table.
import { createLogger as createNamedLogger, type Logger, type LogLevel } from "@fleet/runtime";

export type { Logger } from "@fleet/runtime";

export function createLogger(level: LogLevel): Logger {
  return createNamedLogger({ level, name: "bench", stream: "stderr" });
}

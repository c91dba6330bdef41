// The dashboard's one logger: the shared factory (@fleet/runtime), at the
// level env.ts validated, made at first use (so `next build` needs no env).
import { createLogger, type Logger } from "@fleet/runtime";
import { env } from "./env";

export type { Logger } from "@fleet/runtime";

let cached: Logger | undefined;

export function logger(): Logger {
  cached ??= createLogger({ level: env().LOG_LEVEL, name: "fleet-web" });
  return cached;
}

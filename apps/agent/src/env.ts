// The only reader of process.env in the agent. Values stay raw strings here:
// config/load.ts validates them together with the file and the flags, so an
// error can say which source a bad value came from.
import { z } from "zod";
import { SETTINGS } from "./config/settings.js";
import { ENROLL_ENV_VARIABLES } from "./enroll/settings.js";

/** Every variable the agent reads: one per setting, the config file's path, and those of `enroll`. */
export const ENV_VARIABLES = [
  "IOT_AGENT_CONFIG",
  ...Object.values(SETTINGS).map((setting) => setting.env),
  ...ENROLL_ENV_VARIABLES,
] as const;

const envSchema = z.object(
  Object.fromEntries(ENV_VARIABLES.map((name) => [name, z.string().optional()])) as Record<
    (typeof ENV_VARIABLES)[number],
    z.ZodOptional<z.ZodString>
  >,
);

export type AgentEnv = z.output<typeof envSchema>;

/** Reads the agent's variables; empty strings count as unset. Text cannot fail here. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): AgentEnv {
  const present = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  return envSchema.parse(present);
}

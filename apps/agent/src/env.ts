// The only reader of process.env in the agent. Values stay raw strings here:
// config/load.ts validates them together with the file and the flags, so an
// error can say which layer a bad value came from.
import { z } from "zod";

/** Environment variable → setting name. */
export const ENV_SETTINGS = {
  IOT_AGENT_CONFIG: "configFile",
  IOT_AGENT_DEVICE_ID: "deviceId",
  IOT_AGENT_NATS_SERVERS: "natsServers",
  IOT_AGENT_CREDENTIALS: "credentials",
  IOT_AGENT_PODMAN_SOCKET: "podmanSocket",
  IOT_AGENT_HEARTBEAT_SECONDS: "heartbeatSeconds",
  IOT_AGENT_RESYNC_SECONDS: "resyncSeconds",
  IOT_AGENT_INVENTORY_SECONDS: "inventorySeconds",
  IOT_AGENT_DATA_DIR: "dataDir",
} as const;

export type EnvVariable = keyof typeof ENV_SETTINGS;

const envSchema = z.object({
  ...(Object.fromEntries(
    Object.keys(ENV_SETTINGS).map((name) => [name, z.string().optional()]),
  ) as Record<EnvVariable, z.ZodOptional<z.ZodString>>),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
});

export type AgentEnv = z.output<typeof envSchema>;

/** Reads the agent's variables; empty strings count as unset. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): AgentEnv {
  const present = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    // Only LOG_LEVEL can fail here; its message names it.
    throw new Error(parsed.error.issues.map((issue) => issue.message).join("; "));
  }
  return parsed.data;
}

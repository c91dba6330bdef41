// Every agent setting: its schema (accepting the text form that flags and env
// give, and the JSON form of the config file), its default, its flag and
// variable. One table, so the CLI help, the loader (@fleet/runtime's
// resolveConfig) and docs/agent.md cannot drift apart.
import { isAbsolute } from "node:path";
import { deviceIdSchema, natsServersSchema } from "@fleet/contracts";
import { logLevelSchema, type ConfigValues, type Setting } from "@fleet/runtime";
import { z } from "zod";

const fromNumberText = (value: unknown): unknown =>
  typeof value === "string" && value.trim() !== "" ? Number(value) : value;

function seconds(min: number, max: number): z.ZodType<number> {
  const rule = `must be a number of seconds from ${min} to ${max}`;
  return z.preprocess(fromNumberText, z.number({ error: rule }).min(min, rule).max(max, rule));
}

const CREDENTIALS_RULE = 'must be "none", "creds:<file>" (a NATS .creds file) or "token:<file>"';

/** Text form `none` | `creds:<file>` | `token:<file>` → the object form. */
function fromCredentialsText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (value === "none") return { type: "none" };
  const colon = value.indexOf(":");
  if (colon < 0) return value;
  return { type: value.slice(0, colon), file: value.slice(colon + 1) };
}

export const credentialsSettingSchema = z.preprocess(
  fromCredentialsText,
  z.discriminatedUnion(
    "type",
    [
      z.object({ type: z.literal("none") }),
      z.object({ type: z.literal("creds"), file: z.string().min(1, "needs a file path") }),
      z.object({ type: z.literal("token"), file: z.string().min(1, "needs a file path") }),
    ],
    { error: CREDENTIALS_RULE },
  ),
);

export type CredentialsSetting = z.output<typeof credentialsSettingSchema>;

const absolutePath = (what: string): z.ZodType<string> =>
  z.string().refine(isAbsolute, `must be an absolute path to ${what}`);

/** A runtime setting plus what the CLI shows: the flag's value name and its help. */
type AgentSetting = Setting & { flag: string; env: string; placeholder: string; help: string };

export const SETTINGS = {
  deviceId: {
    schema: deviceIdSchema,
    required: true,
    flag: "device-id",
    placeholder: "<id>",
    env: "IOT_AGENT_DEVICE_ID",
    help: "this device's id (a DNS label); required",
  },
  natsServers: {
    schema: natsServersSchema,
    default: ["nats://127.0.0.1:4222"],
    flag: "nats-servers",
    placeholder: "<urls>",
    env: "IOT_AGENT_NATS_SERVERS",
    help: "comma-separated NATS server URLs",
  },
  credentials: {
    schema: credentialsSettingSchema,
    default: { type: "none" },
    flag: "credentials",
    placeholder: "<source>",
    env: "IOT_AGENT_CREDENTIALS",
    help: 'NATS credentials: "none", "creds:<file>" or "token:<file>"',
  },
  podmanSocket: {
    schema: z.preprocess(
      (value) => (typeof value === "string" ? value.replace(/^unix:\/\//, "") : value),
      absolutePath("the podman API socket"),
    ),
    default: "/run/podman/podman.sock",
    flag: "podman-socket",
    placeholder: "<path>",
    env: "IOT_AGENT_PODMAN_SOCKET",
    help: "podman API socket (unix:// prefix allowed)",
  },
  heartbeatSeconds: {
    schema: seconds(0.1, 3600),
    default: 5,
    flag: "heartbeat-seconds",
    placeholder: "<n>",
    env: "IOT_AGENT_HEARTBEAT_SECONDS",
    help: "status heartbeat period",
  },
  resyncSeconds: {
    schema: seconds(1, 86_400),
    default: 30,
    flag: "resync-seconds",
    placeholder: "<n>",
    env: "IOT_AGENT_RESYNC_SECONDS",
    help: "safety-net full resync period (events drive the fast path)",
  },
  inventorySeconds: {
    schema: seconds(1, 86_400),
    default: 300,
    flag: "inventory-seconds",
    placeholder: "<n>",
    env: "IOT_AGENT_INVENTORY_SECONDS",
    help: "inventory refresh period",
  },
  dataDir: {
    schema: absolutePath("the agent's data directory"),
    default: "/var/lib/iot-agent",
    flag: "data-dir",
    placeholder: "<path>",
    env: "IOT_AGENT_DATA_DIR",
    help: "where the agent keeps its event ring",
  },
  logLevel: {
    schema: logLevelSchema,
    default: "info",
    flag: "log-level",
    placeholder: "<level>",
    env: "LOG_LEVEL",
    help: "log level: fatal, error, warn, info, debug, trace or silent",
  },
} as const satisfies Record<string, AgentSetting>;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export type AgentConfig = ConfigValues<typeof SETTINGS>;

// Every agent setting: its schema (accepting the text form that flags and env
// give, and the JSON form of the config file), its default, its flag and
// variable. One table, so the CLI help, the loader (@fleet/runtime's
// resolveConfig) and docs/agent.md cannot drift apart.
import { isAbsolute } from "node:path";
import { deviceIdSchema, natsServersSchema, type DeviceCredentials } from "@fleet/contracts";
import { logLevelSchema, type ConfigValues, type Setting } from "@fleet/runtime";
import { z } from "zod";

const fromNumberText = (value: unknown): unknown =>
  typeof value === "string" && value.trim() !== "" ? Number(value) : value;

function seconds(min: number, max: number): z.ZodType<number> {
  const rule = `must be a number of seconds from ${min} to ${max}`;
  return z.preprocess(fromNumberText, z.number({ error: rule }).min(min, rule).max(max, rule));
}

const CREDENTIAL_FILE_RULE = "must be the path of this device's credential file";
/** The credential forms of earlier versions, each shared by every device; refused with what to do instead. */
const REMOVED_FORMS =
  'the "none", "creds:<file>" and "token:<file>" credentials are gone (nothing connects anonymously or with a shared ' +
  "identity any more): give the path of this device's credential file (iot-operator device add <id> --out <file>)";

const credentialFileSchema = z
  .string({
    error: (issue) =>
      typeof issue.input === "object" && issue.input !== null
        ? REMOVED_FORMS
        : CREDENTIAL_FILE_RULE,
  })
  .min(1, CREDENTIAL_FILE_RULE)
  .refine((value) => value !== "none" && !/^(creds|token):/.test(value), REMOVED_FORMS);

const absolutePath = (what: string): z.ZodType<string> =>
  z.string().refine(isAbsolute, `must be an absolute path to ${what}`);

/** A runtime setting plus what the CLI shows: the flag's value name and its help. */
type AgentSetting = Setting & { flag: string; env: string; placeholder: string; help: string };

export const SETTINGS = {
  deviceId: {
    schema: deviceIdSchema,
    flag: "device-id",
    placeholder: "<id>",
    env: "IOT_AGENT_DEVICE_ID",
    help: "this device's id; taken from the credential file (when given, it must be the same)",
  },
  natsServers: {
    schema: natsServersSchema,
    flag: "nats-servers",
    placeholder: "<urls>",
    env: "IOT_AGENT_NATS_SERVERS",
    help: "comma-separated NATS server URLs (default: those in the credential file)",
  },
  credentials: {
    schema: credentialFileSchema,
    required: true,
    flag: "credentials",
    placeholder: "<file>",
    env: "IOT_AGENT_CREDENTIALS",
    help: "this device's credential file (iot-operator device add <id> --out <file>); required",
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

/** The settings as resolved from flags, env, config file and defaults (no secrets: credentials is a path). */
export type AgentSettings = ConfigValues<typeof SETTINGS>;

/** What the agent runs with: the settings completed from the credential file. */
export type AgentConfig = Omit<AgentSettings, "deviceId" | "natsServers" | "credentials"> & {
  /** The credential file's device id (a --device-id, if given, must be the same). */
  deviceId: string;
  /** The natsServers setting if given, else the credential file's. */
  natsServers: string[];
  credentials: { file: string; device: DeviceCredentials };
};

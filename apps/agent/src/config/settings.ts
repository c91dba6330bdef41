// Every agent setting: its schema (accepting the text form that flags and env
// give, and the JSON form of the config file), its default, and how to set it.
// One table, so the CLI help, the loader and docs/agent.md cannot drift apart.
import { isAbsolute } from "node:path";
import { deviceIdSchema, natsServersSchema } from "@fleet/contracts";
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

export const SETTINGS = {
  deviceId: {
    schema: deviceIdSchema,
    default: undefined,
    flag: "--device-id <id>",
    help: "this device's id (a DNS label); required",
  },
  natsServers: {
    schema: natsServersSchema,
    default: ["nats://127.0.0.1:4222"],
    flag: "--nats-servers <urls>",
    help: "comma-separated NATS server URLs",
  },
  credentials: {
    schema: credentialsSettingSchema,
    default: { type: "none" },
    flag: "--credentials <source>",
    help: 'NATS credentials: "none", "creds:<file>" or "token:<file>"',
  },
  podmanSocket: {
    schema: z.preprocess(
      (value) => (typeof value === "string" ? value.replace(/^unix:\/\//, "") : value),
      absolutePath("the podman API socket"),
    ),
    default: "/run/podman/podman.sock",
    flag: "--podman-socket <path>",
    help: "podman API socket (unix:// prefix allowed)",
  },
  heartbeatSeconds: {
    schema: seconds(0.1, 3600),
    default: 5,
    flag: "--heartbeat-seconds <n>",
    help: "status heartbeat period",
  },
  resyncSeconds: {
    schema: seconds(1, 86_400),
    default: 30,
    flag: "--resync-seconds <n>",
    help: "safety-net full resync period (events drive the fast path)",
  },
  inventorySeconds: {
    schema: seconds(1, 86_400),
    default: 300,
    flag: "--inventory-seconds <n>",
    help: "inventory refresh period",
  },
  dataDir: {
    schema: absolutePath("the agent's data directory"),
    default: "/var/lib/iot-agent",
    flag: "--data-dir <path>",
    help: "where the agent keeps its event ring",
  },
} as const satisfies Record<
  string,
  { schema: z.ZodType; default: unknown; flag: string; help: string }
>;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export type AgentConfig = { [K in SettingName]: z.output<(typeof SETTINGS)[K]["schema"]> };

/** The commander option name of a setting's flag, e.g. heartbeatSeconds. */
export function flagOf(name: SettingName): string {
  return SETTINGS[name].flag.split(" ")[0] ?? name;
}

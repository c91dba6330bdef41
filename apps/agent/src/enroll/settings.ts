// The settings of `iot-agent enroll`, in the same table form as the agent's own
// (config/settings.ts), resolved by @fleet/runtime's resolveConfig so a bad
// flag or variable is named with its source. The enrollment token is not one
// of them: it is a secret, so it never goes through a path that echoes values
// (see token-source.ts), and never comes from argv.
import { isAbsolute } from "node:path";
import { deviceIdSchema } from "@fleet/contracts";
import { ConfigError, resolveConfig, type ConfigValues, type Setting } from "@fleet/runtime";
import { z } from "zod";
import { deviceIdFromHostname } from "./device-id.js";

/** Where the packaged agent reads its credential file (packaging/install.sh). */
export const DEFAULT_ENROLL_CREDENTIALS = "/etc/iot-agent/device-credentials.json";
/** Environment variable holding the enrollment token itself (never a flag: argv is visible to every user). */
export const ENROLL_TOKEN_ENV = "IOT_ENROLL_TOKEN";

const HTTPS_RULE =
  "must be the enrollment server's https URL without query or fragment, such as https://fleet.example:8443 " +
  "(http:// is refused: the token and this device's request travel over it)";

function isHttpsUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return url.protocol === "https:" && url.hostname !== "" && url.search === "" && url.hash === "";
}

const fromNumberText = (value: unknown): unknown =>
  typeof value === "string" && value.trim() !== "" ? Number(value) : value;

const absolutePath = (what: string): z.ZodType<string> =>
  z.string().min(1).refine(isAbsolute, `must be an absolute path to ${what}`);

const POLL_RULE = "must be a number of seconds from 1 to 3600";

/** A setting plus what the CLI shows. */
type EnrollSetting = Setting & { flag: string; env: string; placeholder: string; help: string };

export const ENROLL_SETTINGS = {
  server: {
    schema: z.string().max(2048, HTTPS_RULE).refine(isHttpsUrl, HTTPS_RULE),
    required: true,
    flag: "server",
    placeholder: "<url>",
    env: "IOT_ENROLL_SERVER",
    help: "the enrollment server (iot-identity), https; required",
  },
  serverCa: {
    schema: absolutePath("a PEM file of the CA certificate(s) to trust for the server"),
    flag: "server-ca",
    placeholder: "<file>",
    env: "IOT_ENROLL_SERVER_CA",
    help: "PEM CA certificate(s) to trust for the server, when its certificate is from a private CA",
  },
  tokenFile: {
    schema: absolutePath("the file holding the enrollment token"),
    flag: "token-file",
    placeholder: "<file>",
    env: "IOT_ENROLL_TOKEN_FILE",
    help: `file holding the enrollment token (or the token itself in env ${ENROLL_TOKEN_ENV})`,
  },
  deviceId: {
    schema: deviceIdSchema,
    flag: "device-id",
    placeholder: "<id>",
    env: "IOT_AGENT_DEVICE_ID",
    help: "the id to enroll as (default: this host's name as a DNS-1123 label)",
  },
  credentials: {
    schema: absolutePath("where to write this device's credential file"),
    default: DEFAULT_ENROLL_CREDENTIALS,
    flag: "credentials",
    placeholder: "<file>",
    env: "IOT_AGENT_CREDENTIALS",
    help: "where to write the credential file (0600) once enrolled; the pending key waits beside it",
  },
  pollMaxSeconds: {
    schema: z.preprocess(
      fromNumberText,
      z.number({ error: POLL_RULE }).min(1, POLL_RULE).max(3600, POLL_RULE),
    ),
    // A person is usually waiting on the other side of an approval: at most 10 s to notice it.
    default: 10,
    flag: "poll-max-seconds",
    placeholder: "<n>",
    env: "IOT_ENROLL_POLL_MAX_SECONDS",
    help: "longest pause between two checks for approval (they start at 1 s and double)",
  },
} as const satisfies Record<string, EnrollSetting>;

export type EnrollSettingName = keyof typeof ENROLL_SETTINGS;
export const ENROLL_SETTING_NAMES = Object.keys(ENROLL_SETTINGS) as EnrollSettingName[];
export type EnrollSettings = ConfigValues<typeof ENROLL_SETTINGS>;

/** Every variable `iot-agent enroll` reads. */
export const ENROLL_ENV_VARIABLES = [
  ENROLL_TOKEN_ENV,
  ...Object.values(ENROLL_SETTINGS).map((setting) => setting.env),
] as const;

/** The enroll settings from flags and env; the device id defaults to this host's name. */
export function resolveEnrollSettings(
  flags: Partial<Record<EnrollSettingName, string>>,
  env: Readonly<Record<string, string | undefined>>,
  hostname: string,
): EnrollSettings & { deviceId: string } {
  const settings = resolveConfig(ENROLL_SETTINGS, { flags, env });
  if (settings.deviceId !== undefined) return { ...settings, deviceId: settings.deviceId };
  const fromHost = deviceIdFromHostname(hostname);
  if (fromHost === undefined) {
    throw new ConfigError([
      {
        setting: "deviceId",
        source: undefined,
        reason: `this host's name ${JSON.stringify(hostname)} gives no usable device id: set --device-id or env IOT_AGENT_DEVICE_ID`,
      },
    ]);
  }
  return { ...settings, deviceId: fromHost };
}

// Every iot-identity setting: its schema, default, flag, variable and help, in
// one table, so the CLI, the loader (@fleet/runtime's resolveConfig) and
// docs/identity.md cannot drift apart. Secrets are only ever file paths.
import { accessSync, constants } from "node:fs";
import { isAbsolute } from "node:path";
import { natsServersSchema, type ZitadelKey } from "@fleet/contracts";
import { readPrivateKeyFile } from "@fleet/provisioning";
import { logLevelSchema, type ConfigValues, type Setting } from "@fleet/runtime";
import { z } from "zod";

const fromNumberText = (value: unknown): unknown =>
  typeof value === "string" && value.trim() !== "" ? Number(value) : value;

/** A file this process can read now (a mounted Secret); its content is checked when loaded. */
const readableFile = (what: string): z.ZodType<string, string> =>
  z
    .string()
    .min(1, `must be the path of ${what}`)
    .superRefine((path, ctx) => {
      try {
        accessSync(path, constants.R_OK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
        ctx.addIssue({ code: "custom", message: `cannot read ${what} here (${code})` });
      }
    });

const httpsUrl = z
  .url({ error: "must be an https URL" })
  .refine((url) => url.startsWith("https://"), "must be an https URL")
  .transform((url) => url.replace(/\/$/, ""));

/** A Zitadel key file, private to its owner (mode 0600), read and checked at start. */
const zitadelKeyFile = z
  .string()
  .min(1, "must be the path of a Zitadel key file")
  .transform((path, ctx): ZitadelKey => {
    try {
      return readPrivateKeyFile(path);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: error instanceof Error ? error.message : String(error),
      });
      return z.NEVER;
    }
  });

const integer = (min: number, max: number, what: string): z.ZodType<number> => {
  const rule = `must be ${what} from ${min} to ${max}`;
  return z.preprocess(fromNumberText, z.int({ error: rule }).min(min, rule).max(max, rule));
};

/** A runtime setting plus what the CLI shows. */
type IdentitySetting = Setting & { flag: string; env: string; placeholder: string; help: string };

export const SETTINGS = {
  natsServers: {
    schema: natsServersSchema,
    default: "nats://127.0.0.1:4222",
    flag: "nats-url",
    placeholder: "<urls>",
    env: "NATS_URL",
    help: "comma-separated NATS server URLs",
  },
  natsCredentials: {
    schema: readableFile("the identity service's NATS .creds"),
    required: true,
    flag: "nats-credentials",
    placeholder: "<file>",
    env: "NATS_CREDENTIALS_FILE",
    help: "the service's own NATS .creds (an auth_callout.auth_users member); re-read on reconnect",
  },
  systemCredentials: {
    schema: readableFile("the system account's kick-only .creds"),
    required: true,
    flag: "system-credentials",
    placeholder: "<file>",
    env: "NATS_SYSTEM_CREDENTIALS_FILE",
    help: "system-account .creds that may only look up (PING.CONNZ) and kick connections",
  },
  calloutIssuerSeed: {
    schema: readableFile("an account nkey seed (SA...)"),
    required: true,
    flag: "callout-issuer-seed",
    placeholder: "<file>",
    env: "NATS_CALLOUT_ISSUER_SEED_FILE",
    help: "account nkey seed whose public key is nats-server's auth_callout.issuer",
  },
  calloutXkeySeed: {
    schema: readableFile("a curve nkey seed (SX...)"),
    required: true,
    flag: "callout-xkey-seed",
    placeholder: "<file>",
    env: "NATS_CALLOUT_XKEY_SEED_FILE",
    help: "curve nkey seed whose public key is nats-server's auth_callout.xkey",
  },
  calloutAccount: {
    schema: z.string().min(1, "must name a NATS account").max(256),
    default: "$G",
    flag: "callout-account",
    placeholder: "<account>",
    env: "NATS_CALLOUT_ACCOUNT",
    help: "the account callers are placed in ($G: the global account of a config-mode server)",
  },
  browserTicketPublicKey: {
    schema: readableFile("the dashboard's ticket public key (PEM)"),
    required: true,
    flag: "browser-ticket-public-key",
    placeholder: "<file>",
    env: "BROWSER_TICKET_PUBLIC_KEY_FILE",
    help: "the PUBLIC half of the dashboard's Ed25519 ticket key (PEM; a private key is refused)",
  },
  idpIssuer: {
    schema: httpsUrl,
    required: true,
    flag: "idp-issuer",
    placeholder: "<url>",
    env: "OIDC_ISSUER",
    help: "the IdP's issuer URL (Zitadel's instance URL); its tokens are device credentials",
  },
  idpProjectId: {
    schema: z.string().min(1, "must be the IdP project id").max(256),
    required: true,
    flag: "idp-project-id",
    placeholder: "<id>",
    env: "ZITADEL_PROJECT_ID",
    help: "the project whose id every device token must carry in its audience",
  },
  idpCaFile: {
    schema: readableFile("a PEM CA certificate"),
    flag: "idp-ca-file",
    placeholder: "<file>",
    env: "OIDC_CA_FILE",
    help: "a private CA (PEM) the IdP's certificate is issued by (default: the system's CAs)",
  },
  kubeconfig: {
    schema: z
      .string()
      .refine(isAbsolute, "must be an absolute path to a kubeconfig")
      .pipe(readableFile("a kubeconfig")),
    flag: "kubeconfig",
    placeholder: "<file>",
    env: "KUBECONFIG",
    help: "kubeconfig of the Device registry (default: in-cluster, then ~/.kube/config)",
  },
  deviceJwtMaxLifetimeSeconds: {
    schema: integer(10, 86_400, "a number of seconds"),
    default: 3600,
    flag: "device-jwt-max-lifetime",
    placeholder: "<seconds>",
    env: "DEVICE_JWT_MAX_LIFETIME_SECONDS",
    help: "a device's NATS user JWT expires at the latest this long after it connected",
  },
  disableDrainTimeoutMs: {
    schema: integer(0, 3_600_000, "a number of milliseconds"),
    default: 30_000,
    flag: "disable-drain-timeout",
    placeholder: "<ms>",
    env: "DISABLE_DRAIN_TIMEOUT_MS",
    help: "a disabled device's connection is closed once its status reports no deployment (or it is offline), or after this long at the latest (0: at once)",
  },
  idpAdminKey: {
    schema: zitadelKeyFile,
    flag: "idp-admin-key-file",
    placeholder: "<file>",
    env: "ZITADEL_ADMIN_KEY_FILE",
    help: "key file (0600) of an IdP machine user that may manage users: turns on the registrar, which issues approved enrolled devices their identity and keeps Devices' status.phase (without it: no enrollment)",
  },
  enrollmentPort: {
    schema: integer(0, 65_535, "a port (0: any free one)"),
    default: 8443,
    flag: "enrollment-port",
    placeholder: "<port>",
    env: "ENROLLMENT_PORT",
    help: "port of the HTTPS enrollment API (served when its certificate is set)",
  },
  enrollmentTlsCert: {
    schema: readableFile("a PEM certificate (chain)"),
    flag: "enrollment-tls-cert",
    placeholder: "<file>",
    env: "ENROLLMENT_TLS_CERT_FILE",
    help: "serving certificate (PEM) of the enrollment API; with its key and public URL it turns the API on",
  },
  enrollmentTlsKey: {
    schema: readableFile("a PEM private key"),
    flag: "enrollment-tls-key",
    placeholder: "<file>",
    env: "ENROLLMENT_TLS_KEY_FILE",
    help: "private key (PEM, 0600) of the enrollment API's certificate",
  },
  enrollmentPublicUrl: {
    schema: httpsUrl,
    flag: "enrollment-public-url",
    placeholder: "<url>",
    env: "ENROLLMENT_PUBLIC_URL",
    help: "the https URL devices reach the enrollment API at (what `iot-agent enroll --server` is given)",
  },
  deviceNatsServers: {
    schema: natsServersSchema,
    flag: "device-nats-url",
    placeholder: "<urls>",
    env: "DEVICE_NATS_URL",
    help: "comma-separated NATS URLs enrolled devices connect to (default: --nats-url)",
  },
  httpPort: {
    schema: integer(0, 65_535, "a port (0: any free one)"),
    default: 8080,
    flag: "http-port",
    placeholder: "<port>",
    env: "HTTP_PORT",
    help: "port of /healthz, /readyz and /metrics",
  },
  logLevel: {
    schema: logLevelSchema,
    default: "info",
    flag: "log-level",
    placeholder: "<level>",
    env: "LOG_LEVEL",
    help: "log level (fatal, error, warn, info, debug, trace, silent)",
  },
} satisfies Record<string, IdentitySetting>;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];
export type IdentityConfig = ConfigValues<typeof SETTINGS>;

/** Every variable the service reads (the chart's tests check it sets no other). */
export const IDENTITY_ENV_NAMES: readonly string[] = [
  ...SETTING_NAMES.map((name) => SETTINGS[name].env),
  "IOT_IDENTITY_CONFIG",
  "KUBERNETES_SERVICE_HOST",
];

// The dashboard's configuration, validated once; the only reader of process.env.
// Parsed lazily (at the first request), so `next build` needs none of it.
import { accessSync, constants } from "node:fs";
import { natsServersSchema } from "@fleet/contracts";
import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A path this process can read (checked at start, named when it cannot). */
const readableFile = (): z.ZodString =>
  z
    .string()
    .min(1)
    .refine((path) => {
      try {
        accessSync(path, constants.R_OK);
        return true;
      } catch {
        return false;
      }
    }, "cannot read this file");

const schema = z.object({
  /**
   * Kubeconfig for where the API server is and its CA; unset means in-cluster /
   * default loading. User requests carry the user's own ID token, never its
   * credentials, so its identity needs no rights (and must not impersonate).
   */
  KUBECONFIG: z.string().min(1).optional(),
  /** A context of that kubeconfig. */
  KUBE_CONTEXT: z.string().min(1).optional(),
  /** Server-side NATS (TCP) for the first view's KV snapshot; comma-separated for several servers. */
  NATS_URL: natsServersSchema.default(["nats://127.0.0.1:4222"]),
  /** A NATS .creds file for that server-side connection (read access to agent-status); unset: anonymous. */
  NATS_CREDENTIALS_FILE: readableFile().optional(),
  /** The websocket URL browsers connect to, each with a short-lived ticket of its session. */
  NATS_WS_URL: z.string().min(1),
  /**
   * Ed25519 private key (PKCS#8 PEM) that signs browser tickets; the identity
   * service verifies them with its public half (docs/identity.md).
   */
  LIVE_TICKET_KEY_FILE: readableFile(),
  /** https (the API server authenticates the same ID tokens and accepts only an https issuer). */
  OIDC_ISSUER: z.url().refine((url) => url.startsWith("https://"), "must be an https URL"),
  /** A PEM CA bundle to trust for the issuer, beside the system CAs (the local platform's CA). */
  OIDC_CA_FILE: readableFile().optional(),
  OIDC_CLIENT_ID: z.string().min(1),
  OIDC_CLIENT_SECRET: z.string().min(1),
  /** Public origin of the dashboard (redirect URIs); defaults to the request's origin. */
  DASHBOARD_URL: z.url().optional(),
  /**
   * Encrypts the session cookie (>= 32 chars). Required, with no fallback: a
   * secret derived from another one would fall with it.
   */
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters"),
  /**
   * Device provisioning from the Devices page (all three or none; none: the page only lists).
   * The key file of an IdP machine user that may manage users (Zitadel's key format, mode 0600):
   * it can create and remove every device's identity, see docs/devices.md.
   */
  ZITADEL_ADMIN_KEY_FILE: readableFile().optional(),
  /** The IdP project devices authenticate for (written into their credential files). */
  ZITADEL_PROJECT_ID: z.string().min(1).optional(),
  /** The NATS URL(s) devices connect to, comma-separated (written into their credential files). */
  DEVICE_NATS_URL: natsServersSchema.optional(),
  /**
   * Enrollment from the Devices page ("Add device"): the enrollment server's https URL as
   * devices reach it (iot-identity's ENROLLMENT_PUBLIC_URL), written into the shown
   * `iot-agent enroll` command as --server. Unset: the page creates no enrollment tokens.
   */
  ENROLLMENT_URL: z
    .url()
    .max(2048)
    .refine((url) => url.startsWith("https://"), "must be an https URL")
    .optional(),
  /**
   * Where devices keep the CA bundle that signed the enrollment server's certificate,
   * written into the command as --server-ca; unset when that certificate is publicly trusted.
   */
  ENROLLMENT_SERVER_CA: z.string().min(1).max(1024).optional(),
  /** The agents' heartbeat period; a device is offline after 3 periods without one. */
  HEARTBEAT_PERIOD_MS: z.coerce.number().int().min(100).default(5000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});

export type Env = z.output<typeof schema>;

/** Every variable the dashboard reads; the Helm chart must set no other (but PORT, read by Next.js). */
export const DASHBOARD_ENV_NAMES: readonly string[] = Object.keys(schema.shape);

let cached: Env | undefined;

export class EnvError extends Error {
  override readonly name = "EnvError";
}

/** Parses process.env, naming every bad variable in one message. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`invalid dashboard environment: ${problems.join("; ")}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** `next dev` (React's dev tooling needs eval); read here, like every other variable. */
export function isDevelopment(): boolean {
  return process.env.NODE_ENV === "development";
}

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

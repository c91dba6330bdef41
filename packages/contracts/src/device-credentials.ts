// A device's credential file: the machine user's key in Zitadel's own key-file
// format, plus what the agent needs to use it (issuer, project, NATS servers).
// `iot-operator device add --out <file>` writes it (mode 0600) and
// `iot-agent --credentials <file>` reads it; the IdP (real Zitadel or the local
// one) returns the key part when a key is added to a machine user.
import { z } from "zod";
import { PayloadError } from "./errors.js";
import { deviceIdSchema } from "./kubernetes-names.js";
import { natsServersSchema } from "./nats-servers.js";
import { parseOrThrow } from "./payload.js";

/** A credential file is a few KiB (one RSA key, a CA, a few URLs); anything larger is not one. */
export const MAX_CREDENTIALS_FILE_BYTES = 64 * 1024;
/** A Zitadel resource id (user, key, project): a numeric snowflake there, any URL-path-safe token here. */
export const ZITADEL_ID_MAX_LENGTH = 128;
/** One PEM text (an RSA private key, or a CA bundle of a few certificates). */
export const PEM_MAX_LENGTH = 32 * 1024;
/** The issuer URL. */
export const ISSUER_MAX_LENGTH = 2048;

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
// Zitadel writes PKCS#1 ("RSA PRIVATE KEY"); PKCS#8 ("PRIVATE KEY") is accepted too.
const PRIVATE_KEY_PATTERN =
  /^\s*-----BEGIN (RSA )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (RSA )?PRIVATE KEY-----\s*$/;
const CERTIFICATES_PATTERN =
  /^\s*(-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/;

/** An id the IdP gave out (user, key, project); it ends up in URL paths, so only safe characters. */
export const zitadelIdSchema = z
  .string()
  .min(1, "must not be empty")
  .max(ZITADEL_ID_MAX_LENGTH, `must be at most ${ZITADEL_ID_MAX_LENGTH} characters`)
  .regex(ID_PATTERN, "must be letters, digits, '-' or '_' (an id the IdP gave out)");

/** Zitadel's machine-user key file: `{ type: "serviceaccount", keyId, key, userId }`. */
export const zitadelKeySchema = z.object({
  type: z.literal("serviceaccount", { error: 'must be "serviceaccount" (a machine user\'s key)' }),
  keyId: zitadelIdSchema,
  key: z
    .string()
    .max(PEM_MAX_LENGTH, `must be at most ${PEM_MAX_LENGTH} characters`)
    .regex(PRIVATE_KEY_PATTERN, "must be a PEM RSA private key (-----BEGIN RSA PRIVATE KEY-----)"),
  userId: zitadelIdSchema,
});

function isHttpsUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.hostname !== "" && url.search === "" && url.hash === "";
  } catch {
    return false;
  }
}

/** The OIDC issuer: an https URL without query or fragment (the token's `iss` must equal it). */
export const issuerUrlSchema = z
  .string()
  .max(ISSUER_MAX_LENGTH, `must be at most ${ISSUER_MAX_LENGTH} characters`)
  .refine(
    isHttpsUrl,
    "must be an https URL without query or fragment, such as https://idp.example",
  );

/** The credential file the agent reads: the key plus where to use it. */
export const deviceCredentialsSchema = zitadelKeySchema.extend({
  deviceId: deviceIdSchema,
  issuer: issuerUrlSchema,
  /** The Zitadel project whose id must be in the access token's audience. */
  projectId: zitadelIdSchema,
  natsServers: natsServersSchema,
  /** PEM CA certificate(s) to trust for the issuer; only when its certificate comes from a private CA (the local platform). */
  issuerCa: z
    .string()
    .max(PEM_MAX_LENGTH, `must be at most ${PEM_MAX_LENGTH} characters`)
    .regex(CERTIFICATES_PATTERN, "must be PEM certificate(s) (-----BEGIN CERTIFICATE-----)")
    .optional(),
});

export type ZitadelKey = z.output<typeof zitadelKeySchema>;
export type DeviceCredentials = z.output<typeof deviceCredentialsSchema>;

function parseJsonFile<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_CREDENTIALS_FILE_BYTES) {
    throw new PayloadError(
      `invalid ${what}: ${bytes} bytes, more than the ${MAX_CREDENTIALS_FILE_BYTES} a credential file may have`,
      [{ path: "(root)", message: "too large" }],
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new PayloadError(
      `invalid ${what}: not JSON (${detail})`,
      [{ path: "(root)", message: "not JSON" }],
      { cause },
    );
  }
  return parseOrThrow(schema, json, what);
}

/** Parses a credential file's text; a PayloadError names every wrong field (never echoing the key). */
export function parseDeviceCredentials(text: string): DeviceCredentials {
  return parseJsonFile(deviceCredentialsSchema, text, "device credentials");
}

/** Parses a Zitadel key file's text (as Zitadel's console downloads it, or `keyDetails` decoded). */
export function parseZitadelKey(text: string): ZitadelKey {
  return parseJsonFile(zitadelKeySchema, text, "Zitadel key file");
}

// The NATS secrets of the local platform, generated once and kept under
// <root>/nats/secrets (folder 0700, files 0600). nats-server's config only ever
// holds their public halves; the clients get file paths, never the values.
//
// Nothing is anonymous: every service has its own nkey user (nats-users.ts).
// An older version of these secrets (other users) is replaced as a whole.
//
// The .creds files carry an nkey seed plus a user JWT, the format every NATS
// client reads. This server runs in config mode (no operator): it authenticates
// the nkey by its signature of the server's nonce and does not trust the JWT,
// which is signed by a throwaway account key. Against an operator-mode NATS the
// same variables take real .creds files.
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { encodeUser, fmtCreds } from "@nats-io/jwt";
import { createAccount, createCurve, createUser, fromSeed } from "@nats-io/nkeys";
import { z } from "zod";
import type { Layout } from "./layout.js";

const SECRETS_VERSION = 3;

const secretsSchema = z.object({
  version: z.literal(SECRETS_VERSION),
  /** nkey user seeds (SU...). */
  users: z.object({
    admin: z.string().startsWith("SU"),
    operator: z.string().startsWith("SU"),
    dashboard: z.string().startsWith("SU"),
    callout: z.string().startsWith("SU"),
    system: z.string().startsWith("SU"),
  }),
  /** Account seed (SA...) that signs auth-callout responses. */
  calloutIssuer: z.string().startsWith("SA"),
  /** Curve seed (SX...) that encrypts auth-callout traffic. */
  calloutXkey: z.string().startsWith("SX"),
  /** Ed25519 private key (PKCS#8 PEM) the dashboard signs browser tickets with. */
  browserTicketKey: z.string().includes("PRIVATE KEY"),
});
export type NatsSecrets = z.infer<typeof secretsSchema>;
export type NatsUserName = keyof NatsSecrets["users"];

/** Paths of the secret files clients are given. */
export interface NatsSecretFiles {
  /** The platform admin: every right, local platform only (tests and tooling seed and inspect KV). */
  adminCreds: string;
  /** The operator's own connection (operatorPermissions). */
  operatorCreds: string;
  /** The dashboard server's own connection: read and watch agent-status. */
  dashboardCreds: string;
  /** The identity service, the auth-callout responder: answers $SYS.REQ.USER.AUTH. */
  calloutCreds: string;
  /** A system-account user that may only kick connections ($SYS.REQ.SERVER.*.KICK). */
  systemCreds: string;
  calloutIssuerSeed: string;
  calloutXkeySeed: string;
  /** The dashboard signs browser tickets with this private key... */
  browserTicketKey: string;
  /** ...and the identity service verifies them with its public half (PEM). */
  browserTicketPublicKey: string;
}

export const natsSecretsDir = (layout: Layout): string =>
  join(dirname(layout.natsConfig), "secrets");

export function natsSecretFiles(layout: Layout): NatsSecretFiles {
  const dir = natsSecretsDir(layout);
  return {
    adminCreds: join(dir, "admin.creds"),
    operatorCreds: join(dir, "operator.creds"),
    dashboardCreds: join(dir, "dashboard.creds"),
    calloutCreds: join(dir, "callout.creds"),
    systemCreds: join(dir, "system.creds"),
    calloutIssuerSeed: join(dir, "callout-issuer.nk"),
    calloutXkeySeed: join(dir, "callout-xkey.nk"),
    browserTicketKey: join(dir, "browser-ticket.pem"),
    browserTicketPublicKey: join(dir, "browser-ticket.pub.pem"),
  };
}

const secretsFile = (layout: Layout): string => join(natsSecretsDir(layout), "secrets.json");

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function generate(): NatsSecrets {
  const userSeed = (): string => text(createUser().getSeed());
  const { privateKey } = generateKeyPairSync("ed25519");
  return {
    version: SECRETS_VERSION,
    users: {
      admin: userSeed(),
      operator: userSeed(),
      dashboard: userSeed(),
      callout: userSeed(),
      system: userSeed(),
    },
    calloutIssuer: text(createAccount().getSeed()),
    calloutXkey: text(createCurve().getSeed()),
    browserTicketKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

async function credsFor(name: string, seed: string): Promise<Uint8Array> {
  const user = fromSeed(new TextEncoder().encode(seed));
  return fmtCreds(await encodeUser(name, user, createAccount()), user);
}

const secret = (path: string, data: string | Uint8Array): Promise<void> =>
  writeFile(path, data, { mode: 0o600 });

/** Creates the secrets on first use (and their files when missing); returns them. */
/** True when the secrets on disk are of this version (another version is regenerated whole). */
async function isCurrent(layout: Layout): Promise<boolean> {
  const raw = await readFile(secretsFile(layout), "utf8").catch(() => undefined);
  if (raw === undefined) return false;
  try {
    return z.object({ version: z.literal(SECRETS_VERSION) }).safeParse(JSON.parse(raw)).success;
  } catch {
    return false; // unreadable: regenerated like an old version
  }
}

export async function ensureNatsSecrets(layout: Layout): Promise<NatsSecrets> {
  const dir = natsSecretsDir(layout);
  if (!(await isCurrent(layout))) {
    // First start, or an older version: its .creds files name users that no longer exist.
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  if (!existsSync(secretsFile(layout))) {
    await secret(secretsFile(layout), JSON.stringify(generate()));
  }
  // The static browser password of earlier versions: nothing reads it any more.
  await rm(join(dirname(layout.natsConfig), "credentials.json"), { force: true });
  const secrets = await readNatsSecrets(layout);
  const files = natsSecretFiles(layout);
  const derived: [string, () => Promise<string | Uint8Array>][] = [
    [files.adminCreds, () => credsFor("fleet-admin", secrets.users.admin)],
    [files.operatorCreds, () => credsFor("fleet-operator", secrets.users.operator)],
    [files.dashboardCreds, () => credsFor("fleet-dashboard", secrets.users.dashboard)],
    [files.calloutCreds, () => credsFor("fleet-auth-callout", secrets.users.callout)],
    [files.systemCreds, () => credsFor("fleet-system", secrets.users.system)],
    [files.calloutIssuerSeed, () => Promise.resolve(`${secrets.calloutIssuer}\n`)],
    [files.calloutXkeySeed, () => Promise.resolve(`${secrets.calloutXkey}\n`)],
    [files.browserTicketKey, () => Promise.resolve(secrets.browserTicketKey)],
    [
      files.browserTicketPublicKey,
      () =>
        Promise.resolve(
          createPublicKey(secrets.browserTicketKey).export({ type: "spki", format: "pem" }),
        ),
    ],
  ];
  for (const [path, content] of derived) if (!existsSync(path)) await secret(path, await content());
  return secrets;
}

export async function readNatsSecrets(layout: Layout): Promise<NatsSecrets> {
  return secretsSchema.parse(JSON.parse(await readFile(secretsFile(layout), "utf8")));
}

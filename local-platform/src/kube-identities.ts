// Identities of the local Kubernetes API: static bearer tokens for an admin, two
// test users and the dashboard, and the service-account signing key pair.
// Generated once and kept, so an exported KUBECONFIG stays valid across `down` and `up`.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Layout } from "./layout.js";

/**
 * The static users the local API server knows; tests and the demo act as these.
 * `dashboard` is the dashboard process's own identity: in no group, so it holds
 * no right but what every authenticated user has (it forwards each signed-in
 * user's own token and needs nothing for itself). IdP users are never these:
 * the API server names them `oidc:<name>` (authentication-config.ts).
 */
export const KUBE_USERS = {
  admin: { user: "fleet-admin", groups: ["system:masters"] },
  alice: { user: "alice", groups: ["fleet:deployers"] },
  bob: { user: "bob", groups: ["fleet:viewers"] },
  dashboard: { user: "fleet-dashboard", groups: [] },
} as const satisfies Record<string, { user: string; groups: readonly string[] }>;

export type KubeUserName = keyof typeof KUBE_USERS;

const USER_NAMES = Object.keys(KUBE_USERS) as KubeUserName[];

const identitiesSchema = z.object({
  tokens: z.object({
    admin: z.string(),
    alice: z.string(),
    bob: z.string(),
    dashboard: z.string(),
  }),
});
export type KubeIdentities = z.infer<typeof identitiesSchema>;

/** Older platform folders lack some users' tokens; those are added, the rest kept. */
const storedTokensSchema = z.object({ tokens: z.record(z.string(), z.string()) });

export interface KubeIdentityFiles {
  tokenCsv: string;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
  certDir: string;
}

export function identityFiles(layout: Layout): KubeIdentityFiles {
  return {
    tokenCsv: join(layout.kubeDir, "tokens.csv"),
    serviceAccountPublicKey: join(layout.kubeDir, "service-account.pub"),
    serviceAccountPrivateKey: join(layout.kubeDir, "service-account.key"),
    certDir: join(layout.kubeDir, "certs"),
  };
}

const identitiesFile = (layout: Layout): string => join(layout.kubeDir, "identities.json");

export async function readIdentities(layout: Layout): Promise<KubeIdentities> {
  return identitiesSchema.parse(JSON.parse(await readFile(identitiesFile(layout), "utf8")));
}

/** Creates tokens and keys if missing; returns the identities either way. */
export async function ensureIdentities(layout: Layout): Promise<KubeIdentities> {
  await mkdir(layout.kubeDir, { recursive: true, mode: 0o700 });
  const files = identityFiles(layout);
  const stored = existsSync(identitiesFile(layout))
    ? storedTokensSchema.parse(JSON.parse(await readFile(identitiesFile(layout), "utf8"))).tokens
    : {};
  if (USER_NAMES.some((name) => stored[name] === undefined)) {
    const token = (): string => randomBytes(24).toString("hex");
    const tokens = Object.fromEntries(USER_NAMES.map((name) => [name, stored[name] ?? token()]));
    await writeFile(identitiesFile(layout), JSON.stringify({ tokens }, null, 2), { mode: 0o600 });
  }
  const identities = await readIdentities(layout);
  // CSV: token,user,uid[,"group1,group2"] — the kube-apiserver --token-auth-file
  // format. No groups column for a user in none: an empty one would be the group "".
  const csv = USER_NAMES.map((name) => {
    const { user, groups } = KUBE_USERS[name];
    const line = `${identities.tokens[name]},${user},${user}`;
    return groups.length === 0 ? line : `${line},"${groups.join(",")}"`;
  }).join("\n");
  await writeFile(files.tokenCsv, `${csv}\n`, { mode: 0o600 });
  if (!existsSync(files.serviceAccountPrivateKey)) {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    await writeFile(files.serviceAccountPublicKey, publicKey);
    await writeFile(files.serviceAccountPrivateKey, privateKey, { mode: 0o600 });
  }
  return identities;
}

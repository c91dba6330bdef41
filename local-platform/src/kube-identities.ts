// Identities of the local Kubernetes API: static bearer tokens for an admin and
// two test users, and the service-account signing key pair. Generated once and
// kept, so an exported KUBECONFIG stays valid across `down` and `up`.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Layout } from "./layout.js";

/** The users the local API server knows; tests and the demo sign in as these. */
export const KUBE_USERS = {
  admin: { user: "fleet-admin", groups: ["system:masters"] },
  alice: { user: "alice", groups: ["fleet:deployers"] },
  bob: { user: "bob", groups: ["fleet:viewers"] },
} as const;

export type KubeUserName = keyof typeof KUBE_USERS;

const identitiesSchema = z.object({
  tokens: z.object({ admin: z.string(), alice: z.string(), bob: z.string() }),
});
export type KubeIdentities = z.infer<typeof identitiesSchema>;

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
  if (!existsSync(identitiesFile(layout))) {
    const token = (): string => randomBytes(24).toString("hex");
    const identities: KubeIdentities = { tokens: { admin: token(), alice: token(), bob: token() } };
    await writeFile(identitiesFile(layout), JSON.stringify(identities, null, 2), { mode: 0o600 });
  }
  const identities = await readIdentities(layout);
  // CSV: token,user,uid,"group1,group2" — the kube-apiserver --token-auth-file format.
  const csv = (Object.keys(KUBE_USERS) as KubeUserName[])
    .map((name) => {
      const { user, groups } = KUBE_USERS[name];
      return `${identities.tokens[name]},${user},${user},"${groups.join(",")}"`;
    })
    .join("\n");
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

// Writes the kubeconfig for the local API server (JSON, which kubectl and every
// client library read), with one context per known user.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import {
  KUBE_USERS,
  identityFiles,
  type KubeIdentities,
  type KubeUserName,
} from "./kube-identities.js";
import type { Layout } from "./layout.js";

export const CLUSTER_NAME = "fleet-local";
export const ADMIN_CONTEXT = "fleet-local";

export function contextName(user: KubeUserName): string {
  return user === "admin" ? ADMIN_CONTEXT : `${CLUSTER_NAME}-${user}`;
}

/** The PEM bundle (serving cert + its CA) the API server generated in its cert dir. */
export async function readServingCa(layout: Layout): Promise<string> {
  return readFile(join(identityFiles(layout).certDir, "apiserver.crt"), "utf8");
}

export async function writeKubeconfig(layout: Layout, identities: KubeIdentities): Promise<void> {
  const ca = await readServingCa(layout);
  const names = Object.keys(KUBE_USERS) as KubeUserName[];
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: CLUSTER_NAME,
        server: `https://127.0.0.1:${layout.ports.kube}`,
        caData: Buffer.from(ca).toString("base64"),
        skipTLSVerify: false,
      },
    ],
    users: names.map((name) => ({ name: KUBE_USERS[name].user, token: identities.tokens[name] })),
    contexts: names.map((name) => ({
      name: contextName(name),
      cluster: CLUSTER_NAME,
      user: KUBE_USERS[name].user,
    })),
    currentContext: ADMIN_CONTEXT,
  });
  await writeFile(layout.kubeconfig, kc.exportConfig(), { mode: 0o600 });
}

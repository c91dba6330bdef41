// Acting as a ServiceAccount of the chart: a short-lived token from the
// TokenRequest API, and a kubeconfig (JSON) that carries it, as a pod would
// see the API server.
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ServiceAccountIdentity {
  kc: KubeConfig;
  kubeconfigFile: string;
}

export async function actAsServiceAccount(
  admin: KubeConfig,
  namespace: string,
  name: string,
): Promise<ServiceAccountIdentity> {
  const request = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name,
    namespace,
    // No audiences: the token is for the API server itself.
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (token === undefined)
    throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  const cluster = admin.getCurrentCluster();
  if (cluster === null) throw new Error("the admin kubeconfig has no current cluster");
  const user = `system:serviceaccount:${namespace}:${name}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ ...cluster, name: "fleet-local" }],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: "fleet-local", user }],
    currentContext: user,
  });
  const dir = await mkdtemp(join(tmpdir(), "fleet-chart-sa-"));
  const kubeconfigFile = join(dir, "kubeconfig.json");
  await writeFile(kubeconfigFile, kc.exportConfig(), { mode: 0o600 });
  return { kc, kubeconfigFile };
}

// Acting as a ServiceAccount of the chart: a short-lived token from the
// TokenRequest API, and a kubeconfig (JSON) that carries it, as a pod would
// see the API server; and asking the API server what that identity may do.
import { API_GROUP } from "@fleet/contracts";
import { AuthorizationV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
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

/** Whether the API server lets `kc`'s user do `verb` on `resource` (and `subresource`) of the fleet's group. */
export async function mayDo(
  kc: KubeConfig,
  resource: string,
  verb: string,
  subresource?: string,
): Promise<boolean> {
  const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
    body: {
      spec: {
        resourceAttributes: {
          group: API_GROUP,
          resource,
          verb,
          ...(subresource === undefined ? {} : { subresource }),
        },
      },
    },
  });
  return review.status?.allowed ?? false;
}

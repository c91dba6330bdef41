// `iot-operator apply`: the typed applier. Server-side applies a Deployment CR
// built from flags (or prints it as JSON for `kubectl apply -f -`), or deletes one.
import {
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { API_GROUP, API_VERSION, PLURAL, type DeploymentResource } from "@fleet/contracts";

export const APPLY_FIELD_MANAGER = "iot-apply";

/** The manifest as `kubectl apply -f -` reads it. */
export function printableManifest(manifest: DeploymentResource): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export async function applyDeployment(
  kc: KubeConfig,
  manifest: DeploymentResource,
): Promise<{ generation: number | undefined }> {
  const applied = await KubernetesObjectApi.makeApiClient(kc).patch(
    manifest as KubernetesObject,
    undefined,
    undefined,
    APPLY_FIELD_MANAGER,
    true,
    PatchStrategy.ServerSideApply,
  );
  return { generation: applied.metadata?.generation };
}

export async function deleteDeployment(
  kc: KubeConfig,
  id: { namespace: string; name: string },
): Promise<void> {
  await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
    group: API_GROUP,
    version: API_VERSION,
    plural: PLURAL,
    namespace: id.namespace,
    name: id.name,
  });
}

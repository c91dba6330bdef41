// `iot-operator apply`: the typed applier. Server-side applies a Deployment CR
// built from flags (or prints it as JSON for `kubectl apply -f -`), or deletes one.
import type { KubeConfig } from "@kubernetes/client-node";
import type { DeploymentResource } from "@fleet/contracts";
import { DeploymentClient } from "@fleet/kube";

export const APPLY_FIELD_MANAGER = "iot-apply";

/** The manifest as `kubectl apply -f -` reads it. */
export function printableManifest(manifest: DeploymentResource): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export async function applyDeployment(
  kc: KubeConfig,
  manifest: DeploymentResource,
): Promise<{ generation: number | undefined }> {
  const applied = await DeploymentClient.forKubeConfig(kc).apply(manifest, APPLY_FIELD_MANAGER);
  return { generation: applied.metadata?.generation };
}

export async function deleteDeployment(
  kc: KubeConfig,
  id: { namespace: string; name: string },
): Promise<void> {
  await DeploymentClient.forKubeConfig(kc).delete(id.namespace, id.name);
}

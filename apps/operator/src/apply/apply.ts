// `iot-operator apply`: the typed applier. Server-side applies a Deployment CR
// built from flags (or prints it as JSON for `kubectl apply -f -`), or deletes one.
import type { KubeConfig } from "@kubernetes/client-node";
import type { DeploymentResource } from "@fleet/contracts";
import { DeploymentClient, type DeploymentBody } from "@fleet/kube";

export const APPLY_FIELD_MANAGER = "iot-apply";

/**
 * What is sent: the manifest without spec.rollout.paused (the schema's
 * default). That field is `iot-operator rollout pause|resume`'s; applying a
 * new image to a paused rollout must not resume it, so the applier never
 * claims it (the API server defaults it to false on create).
 */
export function appliedBody(manifest: DeploymentResource): DeploymentBody {
  const rollout = manifest.spec.rollout;
  if (rollout === undefined) return manifest;
  const { paused: _, ...unpaused } = rollout;
  return { ...manifest, spec: { ...manifest.spec, rollout: unpaused } };
}

/** The manifest as `kubectl apply -f -` reads it. */
export function printableManifest(manifest: DeploymentResource): string {
  return `${JSON.stringify(appliedBody(manifest), null, 2)}\n`;
}

export async function applyDeployment(
  kc: KubeConfig,
  manifest: DeploymentResource,
): Promise<{ generation: number | undefined }> {
  const client = DeploymentClient.forKubeConfig(kc);
  await dropRolloutIfGone(client, manifest);
  const applied = await client.apply(appliedBody(manifest), APPLY_FIELD_MANAGER);
  return { generation: applied.metadata?.generation };
}

/**
 * Applying without rollout flags removes spec.rollout. Server-side apply
 * cannot do that once `rollout pause|resume` wrote spec.rollout.paused: that
 * field stays with its writer and the API server refuses a rollout of only
 * `paused`. So the new spec replaces the old one in one JSON patch, guarded by
 * the resourceVersion read (one generation, never the old score without its
 * rollout in between); the apply that follows changes nothing but takes the
 * fields back for this field manager.
 */
async function dropRolloutIfGone(
  client: DeploymentClient,
  manifest: DeploymentResource,
): Promise<void> {
  if (manifest.spec.rollout !== undefined) return;
  const { namespace, name } = manifest.metadata;
  const current = await client.find(namespace, name);
  const rollout = (current?.spec as { rollout?: unknown } | undefined)?.rollout;
  const resourceVersion = current?.metadata?.resourceVersion;
  if (rollout === undefined || resourceVersion === undefined) return;
  await client.jsonPatch(namespace, name, [
    { op: "test", path: "/metadata/resourceVersion", value: resourceVersion },
    { op: "replace", path: "/spec", value: manifest.spec },
  ]);
}

export async function deleteDeployment(
  kc: KubeConfig,
  id: { namespace: string; name: string },
): Promise<void> {
  await DeploymentClient.forKubeConfig(kc).delete(id.namespace, id.name);
}

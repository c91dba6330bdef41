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
  await dropFieldsLeftOut(client, manifest);
  const applied = await client.apply(appliedBody(manifest), APPLY_FIELD_MANAGER);
  return { generation: applied.metadata?.generation };
}

/** Optional spec fields the applier sets or leaves out; one left out must not survive. */
const OPTIONAL_SPEC_FIELDS = ["rollout", "targetDevices", "targetSelector"] as const;

/**
 * A field the manifest leaves out (spec.rollout without rollout flags, or the
 * other targeting when switching between --target-device and --selector) must
 * go. Server-side apply cannot remove it when another writer owns part of it
 * (`rollout pause|resume` owns spec.rollout.paused, the dashboard its own
 * fields): the API server would then refuse a spec with both targetings, or a
 * rollout of only `paused`. So the new spec replaces the old one in one JSON
 * patch, guarded by the resourceVersion read (one generation, never a mix in
 * between); the apply that follows changes nothing but takes the fields back
 * for this field manager.
 */
async function dropFieldsLeftOut(
  client: DeploymentClient,
  manifest: DeploymentResource,
): Promise<void> {
  const wanted = manifest.spec as Readonly<Record<string, unknown>>;
  const leftOut = OPTIONAL_SPEC_FIELDS.filter((field) => wanted[field] === undefined);
  if (leftOut.length === 0) return;
  const { namespace, name } = manifest.metadata;
  const current = await client.find(namespace, name);
  const spec = current?.spec as Readonly<Record<string, unknown>> | undefined;
  const resourceVersion = current?.metadata?.resourceVersion;
  if (spec === undefined || resourceVersion === undefined) return;
  if (!leftOut.some((field) => spec[field] !== undefined)) return;
  // A paused rollout stays paused: that field is not the applier's to change.
  const { rollout, ...rest } = manifest.spec;
  const paused = (spec.rollout as { paused?: unknown } | undefined)?.paused;
  const replacement =
    rollout === undefined
      ? rest
      : { ...rest, rollout: { ...rollout, paused: typeof paused === "boolean" && paused } };
  await client.jsonPatch(namespace, name, [
    { op: "test", path: "/metadata/resourceVersion", value: resourceVersion },
    { op: "replace", path: "/spec", value: replacement },
  ]);
}

export async function deleteDeployment(
  kc: KubeConfig,
  id: { namespace: string; name: string },
): Promise<void> {
  await DeploymentClient.forKubeConfig(kc).delete(id.namespace, id.name);
}

// Test helper: the platform's CRDs applied to the local API server and ready to
// serve, the way `iot-operator install` leaves them.
import { buildDeploymentCrd, buildDeviceCrd } from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import {
  ApiextensionsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";

async function applyEstablished(kc: KubeConfig, crd: V1CustomResourceDefinition): Promise<void> {
  await KubernetesObjectApi.makeApiClient(kc).patch(
    crd,
    undefined,
    undefined,
    "fleet-tests",
    true,
    PatchStrategy.ServerSideApply,
  );
  const name = crd.metadata?.name ?? "";
  const crds = kc.makeApiClient(ApiextensionsV1Api);
  await waitUntil(
    async () =>
      (await crds.readCustomResourceDefinition({ name })).status?.conditions?.some(
        (c) => c.type === "Established" && c.status === "True",
      ) ?? false,
    { what: `the CRD ${name} Established`, timeoutMs: 30_000 },
  );
}

/** Applies the Device CRD and waits until it is Established. */
export async function installDeviceCrd(kc: KubeConfig): Promise<void> {
  await applyEstablished(kc, buildDeviceCrd());
}

/** Applies the Deployment CRD and waits until it is Established. */
export async function installDeploymentCrd(kc: KubeConfig): Promise<void> {
  await applyEstablished(kc, buildDeploymentCrd());
}

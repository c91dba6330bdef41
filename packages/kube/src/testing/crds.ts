// Test helper: the platform's CRDs applied to the local API server and ready to
// serve, the way `iot-operator install` leaves them.
import { buildDeploymentCrd, buildDeviceCrd, buildEnrollmentTokenCrd } from "@fleet/contracts";
import { applyEstablished } from "@fleet/contracts/testing/crd-server";
import type { KubeConfig } from "@kubernetes/client-node";

/** Applies the Device CRD and waits until it is Established. */
export async function installDeviceCrd(kc: KubeConfig): Promise<void> {
  await applyEstablished(kc, buildDeviceCrd());
}

/** Applies the Deployment CRD and waits until it is Established. */
export async function installDeploymentCrd(kc: KubeConfig): Promise<void> {
  await applyEstablished(kc, buildDeploymentCrd());
}

/** Applies the EnrollmentToken CRD and waits until it is Established. */
export async function installEnrollmentTokenCrd(kc: KubeConfig): Promise<void> {
  await applyEstablished(kc, buildEnrollmentTokenCrd());
}

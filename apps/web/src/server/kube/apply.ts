// Server-side apply of typed objects (the dashboard's RBAC; the CRD in tests).
import {
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { dashboardRbacObjects } from "./rbac";

// The chart's tests compare its rendered ClusterRoles with these.
export { deployerClusterRole, viewerClusterRole } from "./rbac";
export { ROLE_GROUPS } from "../auth/roles";

export const FIELD_MANAGER = "fleet-web";

export async function serverSideApply(kc: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    await api.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}

/** Applies the viewer/deployer ClusterRoles and their group bindings. */
export async function applyDashboardRbac(kc: KubeConfig): Promise<void> {
  await serverSideApply(kc, dashboardRbacObjects());
}

// What the chart must grant and wire, written once from the apps' code
// (apps/operator/src, apps/web/src, apps/identity/src): the unit tests compare the rendered chart
// with it, the integration tests prove it is enough by running the operator with it.
import { API_GROUP, DEVICE_PLURAL, ENROLLMENT_TOKEN_PLURAL, PLURAL } from "@fleet/contracts";
import { IDENTITY_SETTINGS } from "@fleet/identity";
import type { V1PolicyRule } from "@kubernetes/client-node";

/**
 * Deployment CRs: list+watch (deployment-watch.ts), JSON-patch finalizers, merge-patch status;
 * their revisions (rollout/revision-store.ts): list, create, get one found on a 409, delete.
 */
export const OPERATOR_RULES: V1PolicyRule[] = [
  { apiGroups: [API_GROUP], resources: [PLURAL], verbs: ["list", "watch", "patch"] },
  { apiGroups: [API_GROUP], resources: [`${PLURAL}/status`], verbs: ["patch"] },
  {
    apiGroups: ["apps"],
    resources: ["controllerrevisions"],
    verbs: ["get", "list", "create", "patch", "delete"],
  },
];

/**
 * Device CRs (cluster-scoped, so always a ClusterRole): list+watch for label
 * targeting, merge-patch of the status subresource for online/offline,
 * version and inventory.
 */
export const OPERATOR_DEVICE_RULES: V1PolicyRule[] = [
  { apiGroups: [API_GROUP], resources: [DEVICE_PLURAL], verbs: ["list", "watch"] },
  { apiGroups: [API_GROUP], resources: [`${DEVICE_PLURAL}/status`], verbs: ["patch"] },
];

/** One Lease (leader/lease.ts): create when missing, then get and compare-and-swap update. */
export function leaderElectionRules(leaseName: string): V1PolicyRule[] {
  return [
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
    {
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      resourceNames: [leaseName],
      verbs: ["get", "update"],
    },
  ];
}

/** Variables apps/operator/src/env.ts reads; the chart must set no other. */
export { OPERATOR_ENV_NAMES } from "@fleet/operator";

/** Variables apps/web/src/env.ts reads; the chart must set no other but PORT (read by Next.js). */
export { DASHBOARD_ENV_NAMES } from "@fleet/web/env-names";

/** The dashboard's variables without a default (apps/web/src/env.ts): it exits without them. */
export const DASHBOARD_REQUIRED_ENV_NAMES: readonly string[] = [
  "NATS_WS_URL",
  "LIVE_TICKET_KEY_FILE",
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  "OIDC_CLIENT_SECRET",
  "SESSION_SECRET",
];

/**
 * Device CRs: list+watch into the policy cache and the registrar (a miss is a
 * list by field selector, apps/identity/src/policy); create an enrolling
 * device's Device; patch spec.identity (registrar) and its own status fields.
 * EnrollmentTokens: get the one presented, patch its status to count a use.
 */
export const IDENTITY_RULES: V1PolicyRule[] = [
  {
    apiGroups: [API_GROUP],
    resources: [DEVICE_PLURAL],
    verbs: ["list", "watch", "create", "patch"],
  },
  { apiGroups: [API_GROUP], resources: [`${DEVICE_PLURAL}/status`], verbs: ["patch"] },
  { apiGroups: [API_GROUP], resources: [ENROLLMENT_TOKEN_PLURAL], verbs: ["get"] },
  {
    apiGroups: [API_GROUP],
    resources: [`${ENROLLMENT_TOKEN_PLURAL}/status`],
    verbs: ["patch"],
  },
];

/** Variables apps/identity's settings read; the chart must set no other. */
export { IDENTITY_ENV_NAMES } from "@fleet/identity";

/** The identity service's required settings (apps/identity/src/config/settings.ts): it exits without them. */
export const IDENTITY_REQUIRED_ENV_NAMES: readonly string[] = Object.values(IDENTITY_SETTINGS)
  .filter((setting) => "required" in setting && setting.required)
  .map((setting) => setting.env);

/** The dashboard's typed RBAC (apps/web/src/server/kube/rbac.ts) and the groups the API server maps roles to. */
export { deployerClusterRole, ROLE_GROUPS, viewerClusterRole } from "@fleet/web/rbac";

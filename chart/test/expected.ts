// What the chart must grant and wire, written once from the apps' code
// (apps/operator/src, apps/web/src): the unit tests compare the rendered chart
// with it, the integration tests prove it is enough by running the operator with it.
import { API_GROUP, PLURAL } from "@fleet/contracts";
import type { V1PolicyRule } from "@kubernetes/client-node";

/** Deployment CRs: list+watch (deployment-watch.ts), JSON-patch finalizers, merge-patch status. */
export const OPERATOR_RULES: V1PolicyRule[] = [
  { apiGroups: [API_GROUP], resources: [PLURAL], verbs: ["list", "watch", "patch"] },
  { apiGroups: [API_GROUP], resources: [`${PLURAL}/status`], verbs: ["patch"] },
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
  "NATS_CALLOUT_ISSUER_SEED_FILE",
  "NATS_CALLOUT_XKEY_SEED_FILE",
  "NATS_SYSTEM_CREDENTIALS_FILE",
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  "OIDC_CLIENT_SECRET",
  "SESSION_SECRET",
];

/** The dashboard's typed RBAC (apps/web/src/server/kube/rbac.ts) and the groups the API server maps roles to. */
export { deployerClusterRole, ROLE_GROUPS, viewerClusterRole } from "@fleet/web/rbac";

// The Kubernetes RBAC that gives the dashboard's roles their meaning, as typed
// values (no YAML). The chart renders the same objects.
//   viewer   -> group fleet:viewers   -> get/list/watch Deployment CRs and their status,
//                                        and Device CRs and EnrollmentTokens
//   deployer -> group fleet:deployers -> that, plus create/update/patch/delete of Deployments,
//                                        and create/patch/delete of Devices (provisioning,
//                                        disabling, key rotation, removal, approval,
//                                        labels), and create/patch/delete of
//                                        EnrollmentTokens (viewers may read them:
//                                        they hold only the secret's hash)
// The API server puts IdP users in these groups itself (their ID token's role
// claim), whether they come through the dashboard or kubectl. The dashboard's
// own identity needs no right at all: it forwards each user's own token.
import type { V1ClusterRole, V1ClusterRoleBinding } from "@kubernetes/client-node";
import { API_GROUP, DEVICE_PLURAL, ENROLLMENT_TOKEN_PLURAL, PLURAL } from "@fleet/contracts";
import { ROLE_GROUPS } from "../auth/roles";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete"];
// Provisioning creates, merge-patches (disable, enable, key id) and deletes Devices; never replaces them.
const DEVICE_WRITE = ["create", "patch", "delete"];
const deploymentResources = [PLURAL, `${PLURAL}/status`];
const deviceResources = [DEVICE_PLURAL];
// Tokens are created, revoked (a merge patch of spec.revoked) and deleted; their status is iot-identity's.
const ENROLLMENT_TOKEN_WRITE = ["create", "patch", "delete"];
const enrollmentTokenResources = [ENROLLMENT_TOKEN_PLURAL];

export const VIEWER_CLUSTER_ROLE = "fleet-dashboard-viewer";
export const DEPLOYER_CLUSTER_ROLE = "fleet-dashboard-deployer";

const labels = { "app.kubernetes.io/part-of": "fleet", "app.kubernetes.io/component": "dashboard" };

function clusterRole(
  name: string,
  verbs: { deployments: string[]; devices: string[]; enrollmentTokens: string[] },
): V1ClusterRole {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name, labels },
    rules: [
      { apiGroups: [API_GROUP], resources: deploymentResources, verbs: verbs.deployments },
      { apiGroups: [API_GROUP], resources: deviceResources, verbs: verbs.devices },
      {
        apiGroups: [API_GROUP],
        resources: enrollmentTokenResources,
        verbs: verbs.enrollmentTokens,
      },
    ],
  };
}

function groupBinding(role: string, group: string): V1ClusterRoleBinding {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: role, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
  };
}

export const viewerClusterRole = (): V1ClusterRole =>
  clusterRole(VIEWER_CLUSTER_ROLE, { deployments: READ, devices: READ, enrollmentTokens: READ });
export const deployerClusterRole = (): V1ClusterRole =>
  clusterRole(DEPLOYER_CLUSTER_ROLE, {
    deployments: [...READ, ...WRITE],
    devices: [...READ, ...DEVICE_WRITE],
    enrollmentTokens: [...READ, ...ENROLLMENT_TOKEN_WRITE],
  });

/** The role objects and their bindings to the groups the API server maps the roles to. */
export function dashboardRbacObjects(): (V1ClusterRole | V1ClusterRoleBinding)[] {
  return [
    viewerClusterRole(),
    deployerClusterRole(),
    groupBinding(VIEWER_CLUSTER_ROLE, ROLE_GROUPS.viewer),
    groupBinding(DEPLOYER_CLUSTER_ROLE, ROLE_GROUPS.deployer),
  ];
}

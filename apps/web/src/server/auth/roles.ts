// From Zitadel's role claim to the dashboard's role (what the UI offers). What a
// user may actually do is decided by the API server: it authenticates the user's
// own ID token and maps the same claim to these groups (its AuthenticationConfiguration,
// see docs/zitadel.md), and Kubernetes RBAC (ClusterRoles bound to the groups) decides.

import type { DashboardRole } from "@fleet/contracts";

/** The roles travel in browser tickets too, so contracts defines them (DASHBOARD_ROLES). */
export type Role = DashboardRole;

/**
 * The Kubernetes group of each role: the API server's claim mapping produces
 * these (local-platform FLEET_ROLE_GROUPS, checked equal by roles.test.ts) and
 * kube/rbac.ts binds them.
 */
export const ROLE_GROUPS: Record<Role, string> = {
  viewer: "fleet:viewers",
  deployer: "fleet:deployers",
};

/**
 * Zitadel names the claim `urn:zitadel:iam:org:project:roles` (the project the
 * client belongs to) and also `urn:zitadel:iam:org:project:<projectId>:roles`.
 */
const ROLE_CLAIM = /^urn:zitadel:iam:org:project:(?:[^:]+:)?roles$/;

/** The strongest role the claims grant, or undefined when they grant none. */
export function roleFromClaims(claims: Record<string, unknown>): Role | undefined {
  const granted = new Set<string>();
  for (const [name, value] of Object.entries(claims)) {
    if (ROLE_CLAIM.test(name) && typeof value === "object" && value !== null) {
      for (const role of Object.keys(value)) granted.add(role);
    }
  }
  if (granted.has("deployer")) return "deployer";
  if (granted.has("viewer")) return "viewer";
  return undefined;
}

export interface SessionUser {
  /** preferred_username, or sub when the IdP sends none. */
  username: string;
  name?: string | undefined;
  email?: string | undefined;
  role: Role;
}

export function usernameFromClaims(claims: { sub: string; preferred_username?: unknown }): string {
  return typeof claims.preferred_username === "string" && claims.preferred_username !== ""
    ? claims.preferred_username
    : claims.sub;
}

export const canWrite = (user: SessionUser): boolean => user.role === "deployer";

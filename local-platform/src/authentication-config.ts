// kube-apiserver's structured authentication config (--authentication-config):
// one JWT authenticator for the OIDC IdP, so the API server itself turns a
// user's ID token into a Kubernetes identity. Users get a prefixed name
// (`oidc:alice` can never be the static user `alice` or a `system:` identity)
// and the groups their Zitadel project roles map to, and nothing else.
// Written as a typed value serialized to JSON (kube-apiserver reads JSON).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ZITADEL_ROLES_CLAIM, type FleetRole } from "./idp/users.js";
import type { Layout } from "./layout.js";

/** apiserver.config.k8s.io/v1 (GA since Kubernetes 1.34), the subset this platform sets. */
export interface AuthenticationConfiguration {
  apiVersion: "apiserver.config.k8s.io/v1";
  kind: "AuthenticationConfiguration";
  jwt: JwtAuthenticator[];
}

export interface JwtAuthenticator {
  issuer: {
    /** Must be https and equal the tokens' `iss`. */
    url: string;
    /** Any one must be in the token's `aud` (the dashboard's client id). */
    audiences: string[];
    /** PEM CA bundle for fetching discovery and keys from the issuer. */
    certificateAuthority?: string;
  };
  claimValidationRules?: { expression: string; message: string }[];
  claimMappings: {
    username: { claim: string; prefix: string } | { expression: string };
    groups?: { expression: string };
    uid?: { claim: string };
  };
  userValidationRules?: { expression: string; message: string }[];
}

/** Every IdP user's Kubernetes name starts with this. */
export const OIDC_USERNAME_PREFIX = "oidc:";

/** The Kubernetes group of each fleet role; the dashboard's ClusterRoleBindings name these groups. */
export const FLEET_ROLE_GROUPS: Readonly<Record<FleetRole, string>> = {
  viewer: "fleet:viewers",
  deployer: "fleet:deployers",
};

const celString = (text: string): string => JSON.stringify(text);

/**
 * CEL: the keys of Zitadel's role claim ({ "<role>": { "<orgId>": "<domain>" } })
 * that are fleet roles, each turned into its group; unknown roles are dropped.
 */
export function rolesToGroupsExpression(
  claim: string = ZITADEL_ROLES_CLAIM,
  groups: Readonly<Record<string, string>> = FLEET_ROLE_GROUPS,
): string {
  const table = `{${Object.entries(groups)
    .map(([role, group]) => `${celString(role)}: ${celString(group)}`)
    .join(", ")}}`;
  // claims[?name].orValue({}): no roles when the claim is absent (`name in claims`
  // does not evaluate on the API server's claims map). Claims are typed `any`:
  // dyn() lets the comprehension range over the map's keys.
  const roles = `dyn(claims[?${celString(claim)}].orValue({}))`;
  return `${roles}.map(role, role in ${table}, ${table}[role])`;
}

export interface OidcAuthenticatorOptions {
  issuer: string;
  clientId: string;
  /** PEM of the CA that signed the issuer's serving certificate (omit for a public CA). */
  certificateAuthority?: string;
}

export function authenticationConfiguration(
  options: OidcAuthenticatorOptions,
): AuthenticationConfiguration {
  return {
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "AuthenticationConfiguration",
    jwt: [
      {
        issuer: {
          url: options.issuer,
          audiences: [options.clientId],
          ...(options.certificateAuthority === undefined
            ? {}
            : { certificateAuthority: options.certificateAuthority }),
        },
        claimValidationRules: [
          {
            expression: "has(claims.preferred_username) && claims.preferred_username != ''",
            message: "the token has no preferred_username",
          },
        ],
        claimMappings: {
          username: { claim: "preferred_username", prefix: OIDC_USERNAME_PREFIX },
          groups: { expression: rolesToGroupsExpression() },
          uid: { claim: "sub" },
        },
        userValidationRules: [
          {
            expression: "!user.username.startsWith('system:')",
            message: "IdP users may not take system: names",
          },
        ],
      },
    ],
  };
}

export const authenticationConfigFile = (layout: Layout): string =>
  join(layout.kubeDir, "authentication-config.json");

export async function writeAuthenticationConfig(
  layout: Layout,
  options: OidcAuthenticatorOptions,
): Promise<string> {
  const file = authenticationConfigFile(layout);
  await writeFile(file, JSON.stringify(authenticationConfiguration(options), null, 2), {
    mode: 0o600,
  });
  return file;
}

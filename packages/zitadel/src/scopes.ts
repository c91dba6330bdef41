// Zitadel's scopes and grant type for machine users, by name, so the client,
// the local IdP and the identity service spell them the same way.

/** RFC 7523's JWT-bearer grant: Zitadel's "JWT profile" for machine users. */
export const JWT_BEARER_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** Zitadel's reserved audience for its own APIs (management, admin, auth). */
export const ZITADEL_API_AUDIENCE = "zitadel";

const PROJECT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The scope that puts a project's id into the access token's `aud`. */
export function projectAudienceScope(projectId: string): string {
  if (!PROJECT_ID_PATTERN.test(projectId))
    throw new TypeError(`project id "${projectId}" must be letters, digits, '-' or '_'`);
  return `urn:zitadel:iam:org:project:id:${projectId}:aud`;
}

/** The project ids a scope string asks to be in the audience (the IdP side of projectAudienceScope). */
export function requestedAudiences(scope: string): string[] {
  const audiences: string[] = [];
  for (const item of scope.split(" ")) {
    const match = /^urn:zitadel:iam:org:project:id:([A-Za-z0-9][A-Za-z0-9_-]*):aud$/.exec(item);
    if (match?.[1] !== undefined && !audiences.includes(match[1])) audiences.push(match[1]);
  }
  return audiences;
}

/** What a device asks for: an OIDC token whose audience contains the fleet project. */
export function deviceScopes(projectId: string): string[] {
  return ["openid", projectAudienceScope(projectId)];
}

/** What a provisioning service user asks for to call the management API. */
export const MANAGEMENT_SCOPES: readonly string[] = [
  "openid",
  projectAudienceScope(ZITADEL_API_AUDIENCE),
];

// Zitadel's JWT-profile grant (RFC 7523, grant_type
// urn:ietf:params:oauth:grant-type:jwt-bearer) on oidc-provider's token
// endpoint: a machine user presents an assertion signed with its key and gets a
// JWT access token, with no client authentication, as at Zitadel.
//
// oidc-provider identifies a client on every token request before any grant
// handler runs, and offers no per-grant opt-out. So the grant is registered with
// `registerGrantType`, and an internal public client (auth method "none",
// allowed only this grant) stands in: a middleware in front of the provider
// names that client on JWT-bearer requests that name none. To add the
// client_id it reads the (size-limited) form body itself and hands the
// parsed text on; oidc-provider documents using an upstream-parsed body
// (logging a one-time notice about it).
import type { IncomingMessage } from "node:http";
import {
  JWT_BEARER_GRANT_TYPE,
  LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY,
  requestedAudiences,
} from "@fleet/zitadel";
import type Provider from "oidc-provider";
import {
  errors,
  type ClientMetadata,
  type KoaContextWithOIDC,
  type TokenEndpointGrantContext,
} from "oidc-provider";
import { DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS, type AccessTokens } from "./access-tokens.js";
import { AssertionRefused, verifyAssertion } from "./assertion-verifier.js";
import type { MachineUserStore } from "./machine-users.js";

export const JWT_PROFILE_CLIENT_ID = "fleet-local-jwt-profile";

/** The internal client every JWT-profile request runs as. It cannot do anything else. */
export const jwtProfileClient: ClientMetadata = {
  client_id: JWT_PROFILE_CLIENT_ID,
  client_name: "JWT profile (machine users)",
  token_endpoint_auth_method: "none",
  grant_types: [JWT_BEARER_GRANT_TYPE],
  response_types: [],
  redirect_uris: [],
};

/** oidc-provider's own limit for form bodies. */
const MAX_FORM_BYTES = 56 * 1024;

/** Metadata lifetimes are accepted in this range (seconds). */
const LIFETIME_RANGE = { min: 1, max: 24 * 3600 };

export interface JwtProfileDependencies {
  issuer: string;
  store: MachineUserStore;
  tokens: AccessTokens;
  /** Project ids a token may name in its audience (the fleet project, and "zitadel" for the API). */
  projects: ReadonlySet<string>;
}

async function readLimited(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    received += buffer.byteLength;
    if (received > MAX_FORM_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** In front of the provider: JWT-bearer token requests without a client get the internal one. */
function nameTheJwtProfileClient(provider: Provider) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    const isTokenRequest =
      ctx.method === "POST" &&
      ctx.path === provider.pathFor("token") &&
      ctx.is("application/x-www-form-urlencoded") !== false;
    if (!isTokenRequest) return next();
    const text = await readLimited(ctx.req);
    if (text === undefined) {
      ctx.status = 413;
      ctx.body = { error: "invalid_request", error_description: "request body too large" };
      return;
    }
    const form = new URLSearchParams(text);
    const identifiesNoClient =
      !form.has("client_id") && !form.has("client_assertion") && ctx.get("authorization") === "";
    if (form.get("grant_type") === JWT_BEARER_GRANT_TYPE && identifiesNoClient)
      form.set("client_id", JWT_PROFILE_CLIENT_ID);
    (ctx.req as IncomingMessage & { body?: string }).body = form.toString();
    return next();
  };
}

function accessTokenLifetime(store: MachineUserStore, userId: string): number {
  const configured = store.metadata(userId, LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY);
  if (configured === undefined) return DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS;
  const seconds = Number(configured);
  // Validated when set; a bad value here would be a hand edit: fall back to the default.
  return Number.isInteger(seconds) && seconds >= LIFETIME_RANGE.min && seconds <= LIFETIME_RANGE.max
    ? seconds
    : DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS;
}

export function isValidLifetimeMetadata(value: string): boolean {
  const seconds = Number(value);
  return /^\d+$/.test(value) && seconds >= LIFETIME_RANGE.min && seconds <= LIFETIME_RANGE.max;
}

export function installJwtProfileGrant(provider: Provider, deps: JwtProfileDependencies): void {
  provider.use(nameTheJwtProfileClient(provider));
  provider.registerGrantType<{ assertion?: string }>(
    JWT_BEARER_GRANT_TYPE,
    async (ctx: TokenEndpointGrantContext<{ assertion?: string }>) => {
      const { assertion, scope = "" } = ctx.oidc.params;
      if (typeof assertion !== "string" || assertion === "")
        throw new errors.InvalidRequest("missing required parameter 'assertion'");
      let userId: string;
      try {
        userId = await verifyAssertion(deps.store, deps.issuer, assertion);
      } catch (error) {
        if (error instanceof AssertionRefused)
          throw new errors.CustomOIDCProviderError("invalid_grant", error.message);
        throw error;
      }
      const audience = requestedAudiences(scope);
      const unknown = audience.filter((project) => !deps.projects.has(project));
      if (unknown.length > 0)
        throw new errors.InvalidScope(`project ${unknown.join(", ")} does not exist`, scope);
      const issued = await deps.tokens.issue({
        userId,
        // Zitadel names the client (here the user) when no project is asked for.
        audience: audience.length > 0 ? audience : [userId],
        scope,
        lifetimeSeconds: accessTokenLifetime(deps.store, userId),
      });
      ctx.body = {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.expiresIn,
        scope,
      };
    },
    ["assertion", "scope"],
  );
}

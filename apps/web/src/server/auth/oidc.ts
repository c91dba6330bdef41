// OIDC authorization code flow with PKCE, refresh and revocation through
// openid-client (never hand-rolled). Works with Zitadel (and with the local
// oidc-provider, which mimics its claims). The ID token it obtains is what the
// dashboard later presents to the Kubernetes API as the user's bearer token.
import { readFileSync } from "node:fs";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import * as client from "openid-client";
import { env } from "../../env";
import { NoRoleError, SignInError } from "../../errors";
import { roleFromClaims, usernameFromClaims, type SessionUser } from "./roles";

export { CALLBACK_PATH } from "./paths";
/** offline_access: a refresh token, so an 8 h session outlives the 1 h ID token. */
export const SCOPES = "openid profile email offline_access urn:zitadel:iam:org:projects:roles";

let discovered: Promise<client.Configuration> | undefined;
let trustedCaFile: string | undefined;

/**
 * OIDC_CA_FILE (the local platform's CA, or a company CA in front of Zitadel) is
 * added to the CAs this process trusts, as NODE_EXTRA_CA_CERTS would; the
 * Kubernetes client keeps trusting only its kubeconfig's CA.
 */
function trustIssuerCa(caFile: string | undefined): void {
  if (caFile === undefined || trustedCaFile === caFile) return;
  setDefaultCACertificates([...getCACertificates("default"), readFileSync(caFile, "utf8")]);
  trustedCaFile = caFile;
}

function discover(): Promise<client.Configuration> {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_CA_FILE } = env();
  trustIssuerCa(OIDC_CA_FILE);
  return client.discovery(new URL(OIDC_ISSUER), OIDC_CLIENT_ID, OIDC_CLIENT_SECRET);
}

/** The discovered issuer configuration; a failed discovery is retried on the next call. */
export async function oidcConfig(): Promise<client.Configuration> {
  discovered ??= discover().catch((error: unknown) => {
    discovered = undefined;
    throw new SignInError("cannot reach the OIDC issuer's discovery document", { cause: error });
  });
  return discovered;
}

export interface AuthorizationRequest {
  url: URL;
  codeVerifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(redirectUri: string): Promise<AuthorizationRequest> {
  const config = await oidcConfig();
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: SCOPES,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url, codeVerifier, state, nonce };
}

/** What a sign-in or a refresh yields. */
export interface UserTokens {
  user: SessionUser;
  /** The user's own ID token: the bearer token for the Kubernetes API. */
  idToken: string;
  /** Epoch ms when the ID token expires. */
  idTokenExpiresAt: number;
  /** Absent when the IdP issued none (then the session ends with the ID token). */
  refreshToken: string | undefined;
}

type TokenResponse = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

/** The user and role from the ID token of a token response. */
function userTokens(tokens: TokenResponse): UserTokens {
  const claims = tokens.claims();
  if (!claims || !tokens.id_token) throw new SignInError("the IdP returned no ID token");
  const role = roleFromClaims(claims);
  const username = usernameFromClaims(claims);
  if (!role) {
    throw new NoRoleError(
      `${username} has neither the viewer nor the deployer role in this project`,
    );
  }
  return {
    user: {
      username,
      name: typeof claims.name === "string" ? claims.name : undefined,
      email: typeof claims.email === "string" ? claims.email : undefined,
      role,
    },
    idToken: tokens.id_token,
    idTokenExpiresAt: claims.exp * 1000,
    refreshToken: tokens.refresh_token,
  };
}

/** Exchanges the code (checking state, nonce and PKCE) and reads the user and role. */
export async function completeSignIn(
  callbackUrl: URL,
  pending: { codeVerifier: string; state: string; nonce: string },
): Promise<UserTokens> {
  const config = await oidcConfig();
  const tokens = await client
    .authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
    })
    .catch((error: unknown) => {
      throw new SignInError("the IdP's answer to the sign-in could not be verified", {
        cause: error,
      });
    });
  return userTokens(tokens);
}

/**
 * A fresh ID token (and, where the IdP rotates them, a new refresh token). The
 * user's role is read again: a role taken away at the IdP ends the session.
 */
export async function refreshTokens(refreshToken: string): Promise<UserTokens> {
  const config = await oidcConfig();
  const tokens = await client.refreshTokenGrant(config, refreshToken).catch((error: unknown) => {
    throw new SignInError("the IdP refused to refresh the session", { cause: error });
  });
  const refreshed = userTokens(tokens);
  return { ...refreshed, refreshToken: refreshed.refreshToken ?? refreshToken };
}

/** Best effort at sign-out: a revoked refresh token cannot mint ID tokens any more. */
export async function revokeRefreshToken(refreshToken: string): Promise<void> {
  const config = await oidcConfig();
  if (!config.serverMetadata().revocation_endpoint) return;
  await client.tokenRevocation(config, refreshToken, { token_type_hint: "refresh_token" });
}

/** Where to send the browser to end the IdP session too (RP-initiated logout). */
export async function endSessionUrl(
  idToken: string | undefined,
  postLogoutUri: string,
): Promise<URL | undefined> {
  const config = await oidcConfig();
  if (!config.serverMetadata().end_session_endpoint) return undefined;
  return client.buildEndSessionUrl(config, {
    post_logout_redirect_uri: postLogoutUri,
    ...(idToken ? { id_token_hint: idToken } : {}),
  });
}

// OIDC authorization code flow with PKCE through openid-client (never hand-rolled).
// Works with Zitadel (and with the local oidc-provider, which mimics its claims).
import * as client from "openid-client";
import { env } from "../../env";
import { NoRoleError, SignInError } from "../../errors";
import { roleFromClaims, usernameFromClaims, type SessionUser } from "./roles";

export const CALLBACK_PATH = "/api/auth/callback";
export const SCOPES = "openid profile email urn:zitadel:iam:org:projects:roles";

let discovered: Promise<client.Configuration> | undefined;

const isLoopback = (url: URL): boolean =>
  ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);

function discover(): Promise<client.Configuration> {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = env();
  const issuer = new URL(OIDC_ISSUER);
  return client.discovery(issuer, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, undefined, {
    // Plain HTTP only for an issuer on loopback (the local IdP); Zitadel is HTTPS.
    ...(issuer.protocol === "http:" && isLoopback(issuer)
      ? // eslint-disable-next-line @typescript-eslint/no-deprecated
        { execute: [client.allowInsecureRequests] }
      : {}),
  });
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

export interface SignedIn {
  user: SessionUser;
  idToken: string;
  expiresAt: number;
}

/** Exchanges the code (checking state, nonce and PKCE) and reads the user and role. */
export async function completeSignIn(
  callbackUrl: URL,
  pending: { codeVerifier: string; state: string; nonce: string },
): Promise<SignedIn> {
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
    expiresAt: claims.exp * 1000,
  };
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

// oidc-provider configured like a Zitadel project for the dashboard: one
// confidential client with PKCE, the demo users, and the Zitadel role claim;
// plus the internal client of the machine users' JWT-profile grant.
import type { JsonWebKey } from "node:crypto";
import Provider, { type Configuration } from "oidc-provider";
import { jwtProfileClient } from "./jwt-profile-grant.js";
import { logoutPage } from "./login-page.js";
import {
  DASHBOARD_CLIENT_ID,
  DEMO_USERS,
  isDemoUser,
  ZITADEL_ROLES_CLAIM,
  ZITADEL_ROLES_SCOPE,
  zitadelRolesClaim,
  type IdpSecrets,
} from "./users.js";

export interface IdpOptions {
  issuer: string;
  /** The dashboard origins allowed to receive codes and to return to after sign-out. */
  dashboardOrigins: string[];
  secrets: IdpSecrets;
  /** signingJwks(stateDir): also signs the machine users' access tokens. */
  signingJwks: JsonWebKey[];
}

export const CALLBACK_PATH = "/api/auth/callback";

export function createProvider(options: IdpOptions): Provider {
  const configuration: Configuration = {
    clients: [
      {
        client_id: DASHBOARD_CLIENT_ID,
        client_secret: options.secrets.clientSecret,
        client_name: "Fleet dashboard",
        redirect_uris: options.dashboardOrigins.map((origin) => `${origin}${CALLBACK_PATH}`),
        post_logout_redirect_uris: options.dashboardOrigins.map((origin) => `${origin}/`),
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
      jwtProfileClient,
    ],
    pkce: { required: () => true },
    jwks: { keys: options.signingJwks },
    cookies: { keys: options.secrets.cookieKeys },
    scopes: ["openid", "profile", "email", "offline_access", ZITADEL_ROLES_SCOPE],
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username"],
      email: ["email", "email_verified"],
      [ZITADEL_ROLES_SCOPE]: [ZITADEL_ROLES_CLAIM],
    },
    // Zitadel puts the role claim in the ID token; without this only userinfo would have it.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      // The dashboard revokes its refresh token at sign-out, as it would at Zitadel.
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = logoutPage(form);
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      if (!isDemoUser(sub)) return undefined;
      const user = DEMO_USERS[sub];
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: user.name,
          preferred_username: sub,
          email: user.email,
          email_verified: true,
          [ZITADEL_ROLES_CLAIM]: zitadelRolesClaim(user.roles),
        }),
      };
    },
    // The dashboard asks for offline_access. Zitadel honours it as is; oidc-provider
    // (by the spec's letter) drops it unless prompt=consent was sent. Issue refresh
    // tokens to the first-party dashboard anyway, as Zitadel would. They end with the
    // IdP session (8 h, or sign-out), since the scope itself was dropped.
    issueRefreshToken: (_ctx, client) => Promise.resolve(client.grantTypeAllowed("refresh_token")),
    // Zitadel hands out a new refresh token on every refresh and the old one stops
    // working; so does this IdP, so clients that keep a stale one fail here too.
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 3600,
      IdToken: 3600,
      RefreshToken: 8 * 3600,
      Session: 8 * 3600,
      Interaction: 600,
      Grant: 8 * 3600,
    },
  };
  return new Provider(options.issuer, configuration);
}

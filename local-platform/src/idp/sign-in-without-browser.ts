// Test helper: signs a demo user in at the local IdP without a browser, driving
// the same authorization code + PKCE flow and login form a person would (the IdP
// offers no password grant, rightly). Trusts exactly the platform CA.
import { readFile } from "node:fs/promises";
import { fetchTrusting } from "@fleet/zitadel";
import * as oidc from "openid-client";
import type { PlatformConnection } from "../connection.js";
import { CALLBACK_PATH } from "./provider.js";
import { ZITADEL_ROLES_SCOPE } from "./users.js";

/** The scopes the dashboard asks for (apps/web/src/server/auth/oidc.ts). */
export const DASHBOARD_SCOPES = `openid profile email offline_access ${ZITADEL_ROLES_SCOPE}`;

/** fetch that trusts the platform CA (and only it) for the IdP's https. */
export async function platformCaFetch(connection: PlatformConnection): Promise<typeof fetch> {
  return fetchTrusting(await readFile(connection.oidc.caFile, "utf8"));
}

/** The dashboard's OIDC client configuration, for code exchange and refresh in tests. */
export async function dashboardClient(connection: PlatformConnection): Promise<oidc.Configuration> {
  const { issuer, clientId, clientSecret } = connection.oidc;
  const fetch = await platformCaFetch(connection);
  return oidc.discovery(new URL(issuer), clientId, clientSecret, undefined, {
    // openid-client's body type is wider than the DOM lib's RequestInit (apps/web compiles with it).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed under the DOM lib
    [oidc.customFetch]: (url, options) => fetch(url, options as RequestInit),
  });
}

/** Just enough of a browser: follows redirects by hand and keeps cookies. */
class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly fetch: typeof globalThis.fetch) {}

  async request(url: string, form?: Record<string, string>): Promise<Response> {
    const res = await this.fetch(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const index = pair.indexOf("=");
      this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
    return res;
  }

  /** Follows redirects until one leaves the IdP (to the client's callback) or a page renders. */
  async follow(start: Response, base: string): Promise<{ page?: Response; callback?: URL }> {
    let res = start;
    while (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get("location") ?? "", base);
      if (!location.href.startsWith(base)) return { callback: location };
      res = await this.request(location.href);
    }
    return { page: res };
  }
}

export type SignInResult =
  | { tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers; page?: never }
  | { tokens?: never; page: string };

/** Signs in with the login form; `page` is the form's answer when the IdP did not send a code. */
export async function signInWithoutBrowser(
  connection: PlatformConnection,
  username: string,
  password: string,
  scope: string = DASHBOARD_SCOPES,
): Promise<SignInResult> {
  const { issuer, dashboardOrigin } = connection.oidc;
  const config = await dashboardClient(connection);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const redirectUri = `${dashboardOrigin}${CALLBACK_PATH}`;
  const authorize = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
  });
  const browser = new Browser(await platformCaFetch(connection));
  const loginForm = await browser.follow(await browser.request(authorize.href), issuer);
  if (loginForm.page?.status !== 200)
    throw new Error(`the IdP's login form answered ${String(loginForm.page?.status)}`);
  const submitted = await browser.follow(
    await browser.request(loginForm.page.url || authorize.href, { username, password }),
    issuer,
  );
  if (!submitted.callback) return { page: (await submitted.page?.text()) ?? "" };
  if (!submitted.callback.href.startsWith(redirectUri))
    throw new Error(`the IdP redirected to ${submitted.callback.href}, not ${redirectUri}`);
  const tokens = await oidc.authorizationCodeGrant(config, submitted.callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  return { tokens };
}

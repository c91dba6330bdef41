import * as oidc from "openid-client";
import { describe, expect, it } from "vitest";
import { platformConnection } from "../testing/index.js";
import { CALLBACK_PATH } from "./provider.js";
import { ZITADEL_ROLES_CLAIM, ZITADEL_ROLES_SCOPE } from "./users.js";

/** Just enough of a browser: follows redirects by hand and keeps cookies. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string, form?: Record<string, string>): Promise<Response> {
    const res = await fetch(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ? new URLSearchParams(form) : undefined,
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

async function signIn(
  username: string,
  password: string,
): Promise<{ claims?: oidc.IDToken; page?: string }> {
  const { oidc: settings } = await platformConnection();
  const config = await oidc.discovery(
    new URL(settings.issuer),
    settings.clientId,
    settings.clientSecret,
    undefined,
    {
      // The local IdP serves plain HTTP on loopback; Zitadel in production is HTTPS.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      execute: [oidc.allowInsecureRequests],
    },
  );
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const redirectUri = `${settings.dashboardOrigin}${CALLBACK_PATH}`;
  const authorize = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: `openid profile email ${ZITADEL_ROLES_SCOPE}`,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
  });
  const browser = new Browser();
  const loginForm = await browser.follow(await browser.request(authorize.href), settings.issuer);
  expect(loginForm.page?.status).toBe(200);
  const formUrl = loginForm.page?.url ?? "";
  const submitted = await browser.follow(
    await browser.request(formUrl, { username, password }),
    settings.issuer,
  );
  if (!submitted.callback) return { page: await submitted.page?.text() };
  expect(submitted.callback.href.startsWith(redirectUri)).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(config, submitted.callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  return { claims: tokens.claims() };
}

describe("local platform - OIDC IdP with Zitadel-shaped claims", () => {
  it("signs alice in with code + PKCE and puts her deployer role in the ID token", async () => {
    const { oidc: settings } = await platformConnection();
    const { claims } = await signIn("alice", settings.passwords.alice);
    expect(claims?.sub).toBe("alice");
    expect(claims?.[ZITADEL_ROLES_CLAIM]).toEqual({
      deployer: { "fleet-local-org": "fleet.localhost" },
    });
  });

  it("gives bob only the viewer role", async () => {
    const { oidc: settings } = await platformConnection();
    const { claims } = await signIn("bob", settings.passwords.bob);
    expect(Object.keys(claims?.[ZITADEL_ROLES_CLAIM] as object)).toEqual(["viewer"]);
  });

  it("refuses a wrong password with a message and issues no code", async () => {
    const { claims, page } = await signIn("alice", "not-her-password");
    expect(claims).toBeUndefined();
    expect(page).toContain("Unknown user or wrong password.");
  });
});

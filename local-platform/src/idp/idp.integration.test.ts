import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as oidc from "openid-client";
import { describe, expect, it } from "vitest";
import { platformConnection } from "../testing/index.js";
import { dashboardClient, signInWithoutBrowser } from "./sign-in-without-browser.js";
import { ZITADEL_ROLES_CLAIM } from "./users.js";

async function signIn(
  username: string,
  password: string,
): Promise<{ claims?: oidc.IDToken; page?: string }> {
  const result = await signInWithoutBrowser(await platformConnection(), username, password);
  return result.tokens ? { claims: result.tokens.claims() } : { page: result.page };
}

describe("local platform - OIDC IdP with Zitadel-shaped claims", () => {
  it("serves https with a certificate from the platform CA, and nothing else is trusted", async () => {
    const { oidc: settings } = await platformConnection();
    expect(settings.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = new X509Certificate(await readFile(settings.caFile));
    expect(ca.ca).toBe(true);
    // Without the platform CA, the IdP's certificate is refused.
    const error = await fetch(`${settings.issuer}/.well-known/openid-configuration`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
  });

  it("signs alice in with code + PKCE and puts her deployer role in the ID token", async () => {
    const { oidc: settings } = await platformConnection();
    const { claims } = await signIn("alice", settings.passwords.alice);
    expect(claims?.sub).toBe("alice");
    expect(claims?.iss).toBe(settings.issuer);
    expect(claims?.aud).toBe(settings.clientId);
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

  it("issues a refresh token for offline_access and rotates it like Zitadel", async () => {
    const connection = await platformConnection();
    const { tokens } = await signInWithoutBrowser(connection, "bob", connection.oidc.passwords.bob);
    const first = tokens?.refresh_token;
    expect(first).toBeTypeOf("string");
    const config = await dashboardClient(connection);
    const refreshed = await oidc.refreshTokenGrant(config, first ?? "");
    expect(refreshed.id_token).toBeTypeOf("string");
    expect(refreshed.claims()?.sub).toBe("bob");
    expect(refreshed.claims()?.exp).toBeGreaterThan(Date.now() / 1000 + 3000);
    expect(refreshed.claims()?.[ZITADEL_ROLES_CLAIM]).toEqual({
      viewer: { "fleet-local-org": "fleet.localhost" },
    });
    expect(refreshed.refresh_token).toBeTypeOf("string");
    expect(refreshed.refresh_token).not.toBe(first);
    // The old one is spent: a client that kept it is refused.
    await expect(oidc.refreshTokenGrant(config, first ?? "")).rejects.toThrow();
  });
});

// Refreshing a session's ID token at the real local IdP, through the dashboard's
// own OIDC client (trusting the IdP by OIDC_CA_FILE, as the launched dashboard
// does). The IdP rotates refresh tokens like Zitadel: the requests of one
// session share one refresh, and the refreshed token works at the API server.
import * as oidc from "openid-client";
import { AuthenticationV1Api } from "@kubernetes/client-node";
import { dashboardClient, platformConnection } from "@fleet/local-platform/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { dashboardEnvironment } from "@fleet/local-platform";
import { userConfiguration } from "../kube/user-configuration";
import { refreshTokens } from "./oidc";
import { refreshOnce } from "./refresh";
import { signedInUser } from "./signed-in-user";
import { dashboardKubeConfig, signInAtIdp } from "./testing";

beforeAll(async () => {
  // The dashboard reads its settings from the environment, as `next start` would.
  Object.assign(process.env, dashboardEnvironment(await platformConnection()));
});

describe("session refresh - at the real IdP", () => {
  it("gets a fresh ID token the API server accepts, with the user and role read again", async () => {
    const { refreshToken } = await signInAtIdp("bob");
    expect(refreshToken).toBeTypeOf("string");
    const refreshed = await refreshTokens(refreshToken ?? "");
    expect(refreshed.user).toMatchObject({ username: "bob", role: "viewer" });
    expect(refreshed.idTokenExpiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(refreshed.refreshToken).not.toBe(refreshToken);
    const user = signedInUser(refreshed.user, refreshed.idToken);
    const review = await new AuthenticationV1Api(
      userConfiguration(await dashboardKubeConfig(), user),
    ).createSelfSubjectReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    expect(review.status?.userInfo?.username).toBe("oidc:bob");
  });

  it("spends a refresh token once, however many requests of the session ask", async () => {
    const { refreshToken } = await signInAtIdp("alice");
    const token = refreshToken ?? "";
    const [a, b] = await Promise.all([refreshOnce(token), refreshOnce(token)]);
    expect(b).toBe(a);
    expect((await refreshOnce(token)).idToken).toBe(a.idToken);
    // The IdP itself no longer takes it: a second real refresh would have signed the user out.
    const client = await dashboardClient(await platformConnection());
    await expect(oidc.refreshTokenGrant(client, token)).rejects.toThrow();
  });
});

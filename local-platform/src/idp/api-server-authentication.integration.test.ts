// kube-apiserver authenticates the local IdP's ID tokens itself (structured
// authentication config): IdP users get the `oidc:` prefix and the groups of
// their roles, so an IdP user named like a static Kubernetes user never gets
// that user's rights, and no IdP user can become a `system:` identity.
import { randomBytes } from "node:crypto";
import {
  AuthenticationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLEET_ROLE_GROUPS, OIDC_USERNAME_PREFIX } from "../authentication-config.js";
import { kubeConfigFor, platformConnection, statusOf } from "../testing/index.js";
import { signInWithoutBrowser } from "./sign-in-without-browser.js";

const suffix = randomBytes(3).toString("hex");
const secretReader = `it-secret-reader-${suffix}`;

async function idToken(user: "alice" | "bob"): Promise<string> {
  const connection = await platformConnection();
  const { tokens } = await signInWithoutBrowser(connection, user, connection.oidc.passwords[user]);
  if (!tokens?.id_token) throw new Error(`no ID token for ${user}`);
  return tokens.id_token;
}

/** A kubeconfig for the local API server that carries only this bearer token. */
async function asBearer(token: string): Promise<KubeConfig> {
  const cluster = (await kubeConfigFor("admin")).getCurrentCluster();
  if (!cluster) throw new Error("the admin kubeconfig has no cluster");
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: "bearer", token }],
    contexts: [{ name: "bearer", cluster: cluster.name, user: "bearer" }],
    currentContext: "bearer",
  });
  return kc;
}

async function whoAmI(kc: KubeConfig): Promise<{ username?: string; groups?: string[] }> {
  const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({
    body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
  });
  return { username: review.status?.userInfo?.username, groups: review.status?.userInfo?.groups };
}

beforeAll(async () => {
  // The static Kubernetes user `alice` may read secrets; the IdP's alice must not inherit it.
  const rbac = (await kubeConfigFor("admin")).makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRole({
    body: {
      metadata: { name: secretReader },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
    },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: secretReader },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: secretReader },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice" }],
    },
  });
});

afterAll(async () => {
  const rbac = (await kubeConfigFor("admin")).makeApiClient(RbacAuthorizationV1Api);
  await rbac.deleteClusterRoleBinding({ name: secretReader });
  await rbac.deleteClusterRole({ name: secretReader });
});

describe("local platform - the API server authenticates IdP users", () => {
  it("knows the IdP's alice as oidc:alice in the deployers' group, nothing more", async () => {
    const me = await whoAmI(await asBearer(await idToken("alice")));
    expect(me.username).toBe(`${OIDC_USERNAME_PREFIX}alice`);
    expect(me.groups).toContain(FLEET_ROLE_GROUPS.deployer);
    expect(me.groups).not.toContain(FLEET_ROLE_GROUPS.viewer);
    expect(me.groups?.filter((g) => g.startsWith("system:"))).toEqual(["system:authenticated"]);
  });

  it("maps bob's viewer role to the viewers' group", async () => {
    const me = await whoAmI(await asBearer(await idToken("bob")));
    expect(me.username).toBe(`${OIDC_USERNAME_PREFIX}bob`);
    expect(me.groups).toContain(FLEET_ROLE_GROUPS.viewer);
    expect(me.groups).not.toContain(FLEET_ROLE_GROUPS.deployer);
  });

  it("does not give the IdP's alice the static user alice's rights", async () => {
    const staticAlice = (await kubeConfigFor("alice")).makeApiClient(CoreV1Api);
    expect(await statusOf(staticAlice.listNamespacedSecret({ namespace: "default" }))).toBe(200);
    const idpAlice = (await asBearer(await idToken("alice"))).makeApiClient(CoreV1Api);
    expect(await statusOf(idpAlice.listNamespacedSecret({ namespace: "default" }))).toBe(403);
  });

  it("refuses an ID token whose signature does not verify", async () => {
    const [header, payload] = (await idToken("alice")).split(".");
    const forged = `${header ?? ""}.${payload ?? ""}.${Buffer.from("forged").toString("base64url")}`;
    expect(await statusOf(whoAmI(await asBearer(forged)))).toBe(401);
  });
});

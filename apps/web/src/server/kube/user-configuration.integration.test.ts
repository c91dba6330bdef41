// The clients the dashboard builds for a signed-in user carry that user's own ID
// token, and the API server decides who that is: the IdP's alice is oidc:alice
// in the deployers' group, never the static Kubernetes user alice, whose extra
// rights (here: reading secrets) she must not get.
import { randomBytes } from "node:crypto";
import {
  AuthenticationV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
} from "@kubernetes/client-node";
import { kubeConfigFor, statusOf } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInUser } from "../auth/signed-in-user";
import { dashboardKubeConfig, signInAtIdp } from "../auth/testing";
import { userConfiguration } from "./user-configuration";

const suffix = randomBytes(3).toString("hex");
const secretReader = `web-it-secret-reader-${suffix}`;

let dashboard: KubeConfig;

beforeAll(async () => {
  dashboard = await dashboardKubeConfig();
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

describe("user clients - the API server authenticates the signed-in user", () => {
  it("sees the IdP's alice as oidc:alice in fleet:deployers", async () => {
    const { user } = await signInAtIdp("alice");
    const review = await new AuthenticationV1Api(
      userConfiguration(dashboard, user),
    ).createSelfSubjectReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    expect(review.status?.userInfo?.username).toBe("oidc:alice");
    expect(review.status?.userInfo?.groups).toContain("fleet:deployers");
    expect(review.status?.userInfo?.groups).not.toContain("system:masters");
  });

  it("does not give the IdP's alice what the Kubernetes user alice may do", async () => {
    const staticAlice = (await kubeConfigFor("alice")).makeApiClient(CoreV1Api);
    expect(await statusOf(staticAlice.listNamespacedSecret({ namespace: "default" }))).toBe(200);
    const { user } = await signInAtIdp("alice");
    const asUser = new CoreV1Api(userConfiguration(dashboard, user));
    expect(await statusOf(asUser.listNamespacedSecret({ namespace: "default" }))).toBe(403);
  });

  it("sends only the user's token: a refused token is 401, never the dashboard's identity", async () => {
    const stranger = signedInUser({ username: "alice", role: "deployer" }, "not-a-token");
    const api = new AuthenticationV1Api(userConfiguration(dashboard, stranger));
    expect(
      await statusOf(
        api.createSelfSubjectReview({
          body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
        }),
      ),
    ).toBe(401);
  });
});

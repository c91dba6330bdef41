// The dashboard process's own Kubernetes identity, exactly as the demo and the
// e2e suite configure it (local-platform's dashboard-environment.ts): it needs no rights,
// since user requests carry the user's own token. A compromised dashboard must
// not be able to act as anyone else: asking for system:masters is refused.
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  ServerConfiguration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from "@kubernetes/client-node";
import { API_GROUP, API_VERSION, PLURAL } from "@fleet/contracts";
import { installCrd } from "@fleet/operator";
import { kubeConfigFor, statusOf } from "@fleet/local-platform/testing";
import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { dashboardKubeConfig } from "../auth/testing";
import { applyDashboardRbac } from "./apply";

/** What a compromised dashboard would send: its own credentials plus impersonation headers. */
class ImpersonatingMasters implements SecurityAuthentication {
  constructor(private readonly kc: KubeConfig) {}

  getName(): string {
    return "impersonate-system-masters";
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kc.applySecurityAuthentication(context);
    context.setHeaderParam("Impersonate-User", "fleet-admin");
    context.setHeaderParam("Impersonate-Group", "system:masters");
  }
}

let dashboard: KubeConfig;

beforeAll(async () => {
  const admin = await kubeConfigFor("admin");
  await installCrd(admin, pino({ level: "silent" }), 30_000);
  await applyDashboardRbac(admin);
  dashboard = await dashboardKubeConfig();
});

describe("dashboard identity - least privilege", () => {
  it("is a plain authenticated user in no group", async () => {
    const review = await dashboard.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    expect(review.status?.userInfo?.username).toBe("fleet-dashboard");
    expect(review.status?.userInfo?.groups).toEqual(["system:authenticated"]);
  });

  it("is forbidden to impersonate system:masters (the request is refused, 403)", async () => {
    const cluster = dashboard.getCurrentCluster();
    if (!cluster) throw new Error("no cluster in the dashboard's kubeconfig");
    const impersonating = new CoreV1Api(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.server, {}),
        authMethods: { default: new ImpersonatingMasters(dashboard) },
      }),
    );
    expect(await statusOf(impersonating.listNamespace())).toBe(403);
    const review = await dashboard.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: {
        spec: {
          resourceAttributes: { verb: "impersonate", resource: "groups", name: "system:masters" },
        },
      },
    });
    expect(review.status?.allowed).toBe(false);
  });

  it("cannot read or write Deployment CRs by itself", async () => {
    const api = dashboard.makeApiClient(CustomObjectsApi);
    const base = { group: API_GROUP, version: API_VERSION, plural: PLURAL };
    expect(await statusOf(api.listClusterCustomObject(base))).toBe(403);
    expect(
      await statusOf(
        api.createNamespacedCustomObject({
          ...base,
          namespace: "default",
          body: {
            apiVersion: `${API_GROUP}/${API_VERSION}`,
            kind: "Deployment",
            metadata: { name: "x" },
          },
        }),
      ),
    ).toBe(403);
  });
});

// Kubernetes clients that act as the signed-in user: every request carries
// Impersonate-User / Impersonate-Group, so the API server's RBAC decides.
import {
  createConfiguration,
  CustomObjectsApi,
  ServerConfiguration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from "@kubernetes/client-node";
import type { KubeIdentity } from "../auth/roles";

class ImpersonatingAuth implements SecurityAuthentication {
  constructor(
    private readonly kc: KubeConfig,
    private readonly identity: KubeIdentity,
  ) {}

  getName(): string {
    return "impersonation";
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    // The dashboard's own credentials (TLS, token) first, then whom it acts as.
    await this.kc.applySecurityAuthentication(context);
    context.setHeaderParam("Impersonate-User", this.identity.user);
    context.setHeaderParam("Impersonate-Group", this.identity.group);
  }
}

export function impersonatedCustomObjects(
  kc: KubeConfig,
  identity: KubeIdentity,
): CustomObjectsApi {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the dashboard's kubeconfig has no current cluster");
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: new ImpersonatingAuth(kc, identity) },
  });
  return new CustomObjectsApi(configuration);
}

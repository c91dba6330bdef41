// Kubernetes API clients that act as the signed-in user: every request carries
// the user's own ID token as its bearer token and nothing of the dashboard's
// own credentials, so the API server authenticates the user (oidc:<name> in
// their roles' groups) and its RBAC decides. No impersonation anywhere.
import {
  createConfiguration,
  KubeConfig,
  ServerConfiguration,
  type Configuration,
} from "@kubernetes/client-node";
import type { SignedInUser } from "../auth/signed-in-user";

const USER = "signed-in-user";

/** The dashboard kubeconfig's cluster (server and CA), with only this bearer token. */
export function bearerKubeConfig(cluster: KubeConfig, token: string): KubeConfig {
  const server = cluster.getCurrentCluster();
  if (!server) throw new Error("the dashboard's kubeconfig has no current cluster");
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [server],
    users: [{ name: USER, token }],
    contexts: [{ name: USER, cluster: server.name, user: USER }],
    currentContext: USER,
  });
  return kc;
}

/** Server and credentials for every request (get, list, watch) made as `user`. */
export function userConfiguration(cluster: KubeConfig, user: SignedInUser): Configuration {
  const kc = bearerKubeConfig(cluster, user.credential.bearerToken());
  const server = kc.getCurrentCluster();
  if (!server) throw new Error("the dashboard's kubeconfig has no current cluster");
  return createConfiguration({
    baseServer: new ServerConfiguration(server.server, {}),
    authMethods: { default: kc },
  });
}

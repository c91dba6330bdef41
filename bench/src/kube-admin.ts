// The kube admin's KubeConfig for the bench's own bulk requests (thousands of
// Device creates and label patches), with one HTTP dispatcher for all of them.
// @kubernetes/client-node 2.0.1 builds a new undici Agent for every API call
// (KubeConfig.applySecurityAuthentication → createDispatcher, not cached, unlike
// createAgent since kubernetes-client/javascript#2893), so each request opened
// its own TLS connection: 200 sequential requests left 128 sockets open here,
// and the handshakes cost the bench and the API server more CPU than the writes.
// Reusing the first dispatcher keeps the connections alive, as kubectl does.
import { kubeConfigFor } from "@fleet/local-platform/testing";
import type { KubeConfig } from "@kubernetes/client-node";

/** The private KubeConfig method that builds each request's dispatcher. */
interface DispatcherFactory {
  createDispatcher(cluster: unknown, options: unknown): unknown;
}

export async function adminKubeConfig(): Promise<KubeConfig> {
  const kc = await kubeConfigFor("admin");
  const factory = kc as unknown as DispatcherFactory;
  const create = factory.createDispatcher.bind(kc);
  let shared: unknown;
  // One cluster and one user per bench KubeConfig: the first dispatcher fits every request.
  factory.createDispatcher = (cluster, options) => (shared ??= create(cluster, options));
  return kc;
}

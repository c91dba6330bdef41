// Where the Kubernetes connection comes from: a kubeconfig file, the pod's
// service account (in-cluster), or the client's default lookup.
import { KubeConfig } from "@kubernetes/client-node";
import type { KubeSource } from "../config.js";

export function loadKubeConfig(source: KubeSource): KubeConfig {
  const kc = new KubeConfig();
  if (source.kubeconfig !== undefined) kc.loadFromFile(source.kubeconfig);
  else if (source.inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  return kc;
}

// The dashboard's own Kubernetes identity (only ever used to impersonate users).
import { KubeConfig } from "@kubernetes/client-node";
import { env } from "../../env";

let cached: KubeConfig | undefined;

export function serviceKubeConfig(): KubeConfig {
  if (!cached) {
    const kc = new KubeConfig();
    const { KUBECONFIG, KUBE_CONTEXT } = env();
    if (KUBECONFIG) kc.loadFromFile(KUBECONFIG);
    else kc.loadFromDefault();
    if (KUBE_CONTEXT) kc.setCurrentContext(KUBE_CONTEXT);
    cached = kc;
  }
  return cached;
}

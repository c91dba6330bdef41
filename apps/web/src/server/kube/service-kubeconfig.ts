// The dashboard's kubeconfig: where the API server is and which CA it has. User
// requests take only its cluster (server, CA) and carry the user's own token
// (user-configuration.ts); its own credentials need, and should hold, no rights.
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

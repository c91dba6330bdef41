// What integration tests across the repo use to reach the local platform that
// the tier's global setup brought up.
import { KubeConfig } from "@kubernetes/client-node";
import { connectionFor, type PlatformConnection } from "../connection.js";
import { readPlatformEnv } from "../env.js";
import { contextName } from "../kubeconfig.js";
import type { KubeUserName } from "../kube-identities.js";
import { layoutFor } from "../layout.js";

export type { PlatformConnection } from "../connection.js";
export { NGINX_TAGS, KUBERNETES_VERSION } from "../versions.js";
export { nginxImageRef, NGINX_CONTAINER_PORT } from "../nginx-image.js";

export function platformConnection(): Promise<PlatformConnection> {
  return connectionFor(layoutFor(readPlatformEnv()));
}

/** A KubeConfig for the local API server, acting as one of its known users. */
export async function kubeConfigFor(user: KubeUserName = "admin"): Promise<KubeConfig> {
  const kc = new KubeConfig();
  kc.loadFromFile((await platformConnection()).kubeconfig);
  kc.setCurrentContext(contextName(user));
  return kc;
}

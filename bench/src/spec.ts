// The one deployment shape the benchmarks use: the local nginx image on a host port.
import type { DeploymentSpecInput } from "@fleet/contracts";
import { NGINX_CONTAINER_PORT, nginxImageRef } from "@fleet/local-platform/testing";

export const NGINX_IMAGE = nginxImageRef("1.0");

/** The nginx workload; `env`, when given, makes a distinct score (a new revision) of the same image. */
export const nginxScore = (
  hostPort: number,
  env?: Record<string, string>,
): DeploymentSpecInput["score"] => ({
  PodmanV0: {
    services: [
      {
        name: "web",
        image: NGINX_IMAGE,
        ports: [{ hostPort, containerPort: NGINX_CONTAINER_PORT }],
        ...(env === undefined ? {} : { env }),
      },
    ],
  },
});

export const nginxSpec = (targetDevices: string[], hostPort: number): DeploymentSpecInput => ({
  targetDevices,
  score: nginxScore(hostPort),
});

export type TargetSelector = NonNullable<DeploymentSpecInput["targetSelector"]>;

/** The same workload on every Device whose labels match `targetSelector`. */
export const nginxSelectorSpec = (
  targetSelector: TargetSelector,
  hostPort: number,
): DeploymentSpecInput => ({ targetSelector, score: nginxScore(hostPort) });

/** A short unique suffix, so reruns never collide with leftovers. */
export const runId = (): string => Date.now().toString(36);

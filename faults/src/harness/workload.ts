// What the load driver deploys: one nginx per device (no host port: every
// real agent shares this host's network), its version in the image tag and in
// an environment variable, so every upgrade is a new revision whose container
// the agent must recreate, and a test can tell versions apart in podman. A
// plan may publish a host port, for a scenario that checks it is served.
import type { DeploymentSpecInput, RolloutSpecInput } from "@fleet/contracts";
import { NGINX_CONTAINER_PORT, nginxImageRef } from "@fleet/local-platform/testing";

/** What one Deployment should be: its devices, its version, and its rollout if staged. */
export interface DeploymentPlan {
  devices: readonly string[];
  /** 1, 2, 3, ...: odd versions run nginx 1.0, even ones 1.1. */
  version: number;
  rollout?: RolloutSpecInput;
  /** Publishes nginx on this host port (default none: real agents share this host's network). */
  hostPort?: number;
}

export const VERSION_ENV = "FAULT_VERSION";

export function imageOf(version: number): string {
  return nginxImageRef(version % 2 === 1 ? "1.0" : "1.1");
}

export function specOf(plan: DeploymentPlan): DeploymentSpecInput {
  return {
    targetDevices: [...plan.devices],
    score: {
      PodmanV0: {
        services: [
          {
            name: "web",
            image: imageOf(plan.version),
            env: { [VERSION_ENV]: String(plan.version) },
            ...(plan.hostPort === undefined
              ? {}
              : {
                  ports: [
                    {
                      hostPort: plan.hostPort,
                      containerPort: NGINX_CONTAINER_PORT,
                      protocol: "TCP",
                    },
                  ],
                }),
          },
        ],
      },
    },
    ...(plan.rollout === undefined ? {} : { rollout: plan.rollout }),
  };
}

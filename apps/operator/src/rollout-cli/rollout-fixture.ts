// A Deployment with a rollout as the operator reports it, for the CLI's unit
// tests: built by the contracts, so it is always a valid CR.
import {
  deploymentManifest,
  deploymentStatusSchema,
  type DeploymentResource,
  type RolloutSpecInput,
  type rolloutStatusSchema,
} from "@fleet/contracts";
import type { z } from "zod";

export function rolloutDeployment(
  rollout: z.input<typeof rolloutStatusSchema> | undefined,
  options: { spec?: RolloutSpecInput | null; generation?: number; observed?: number } = {},
): DeploymentResource {
  const spec =
    options.spec === undefined ? { batches: [{ count: 1 }, { percentage: 50 }] } : options.spec;
  const manifest = deploymentManifest({
    namespace: "demo",
    name: "web",
    spec: {
      targetDevices: ["pi-1", "pi-2", "pi-3", "pi-4"],
      score: {
        PodmanV0: { services: [{ name: "main", image: "localhost/fleet-nginx:1.1", ports: [] }] },
      },
      ...(spec === null ? {} : { rollout: spec }),
    },
  });
  const generation = options.generation ?? 2;
  return {
    ...manifest,
    metadata: { ...manifest.metadata, generation },
    status: deploymentStatusSchema.parse({
      observedGeneration: options.observed ?? generation,
      ...(rollout === undefined ? {} : { rollout }),
    }),
  };
}

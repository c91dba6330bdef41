// Rollout statuses and deployments for the rollout tests, parsed with the
// contracts (defaults filled in), so they have exactly the shape the CR has.
import {
  deploymentManifest,
  rolloutSpecSchema,
  rolloutStatusSchema,
  type BatchState,
  type DeploymentResource,
  type RolloutSpecInput,
  type RolloutStatus,
} from "@fleet/contracts";

type StatusInput = Partial<Omit<RolloutStatus, "batches">> & {
  /** One state per batch; counts are filled in (2 devices each). */
  states?: BatchState[];
};

export function rolloutStatus(input: StatusInput = {}): RolloutStatus {
  const { states = ["Succeeded", "Pending"], ...rest } = input;
  return rolloutStatusSchema.parse({
    revision: 2,
    stableRevision: 1,
    phase: "WaitingForApproval",
    currentBatch: 1,
    totalBatches: states.length,
    message: "batch 1 of 2: 2 of 2 updated",
    batches: states.map((state) => ({
      state,
      devices: 2,
      updated: state === "Succeeded" ? 2 : 0,
      failed: state === "Failed" ? 2 : 0,
    })),
    ...rest,
  });
}

export function rolloutDeployment(
  status: RolloutStatus | undefined,
  /** null: no spec.rollout. */
  rollout: RolloutSpecInput | null = { batches: [{ count: 1 }], approval: "manual" },
): DeploymentResource {
  const manifest = deploymentManifest({
    namespace: "default",
    name: "web",
    spec: {
      targetDevices: ["pi-1", "pi-2", "pi-3", "pi-4"],
      score: { PodmanV0: { services: [{ name: "web", image: "localhost/x:2" }] } },
      ...(rollout !== null && { rollout: rolloutSpecSchema.parse(rollout) }),
    },
  });
  return {
    ...manifest,
    metadata: { ...manifest.metadata, generation: 2 },
    ...(status !== undefined && {
      status: { conditions: [], rollout: status },
    }),
  };
}

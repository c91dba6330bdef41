// tRPC inputs for deployment writes, composed only of the contracts' schemas, so
// the form validates with exactly what the server (and the CRD) enforce.
import {
  deploymentSpecSchema,
  namespaceNameSchema,
  podmanServiceSchema,
  resourceNameSchema,
  rolloutStatusSchema,
  ROLLOUT_BATCHES_MAX_ITEMS,
} from "@fleet/contracts";
import { z } from "zod";

export const createDeploymentInput = z.object({
  namespace: namespaceNameSchema,
  name: resourceNameSchema,
  spec: deploymentSpecSchema,
});
export type CreateDeploymentInput = z.input<typeof createDeploymentInput>;

export const setImageInput = z.object({
  namespace: namespaceNameSchema,
  name: resourceNameSchema,
  image: podmanServiceSchema.shape.image,
  /** Only this service; every service when omitted. */
  service: podmanServiceSchema.shape.name.optional(),
});

export const deploymentRefInput = z.object({
  namespace: namespaceNameSchema,
  name: resourceNameSchema,
});

// Rollout commands name the revision (and batch) the deployer saw, so the
// server refuses one that no longer fits the rollout instead of acting on a later revision.
const revision = rolloutStatusSchema.shape.revision;

export const approveBatchInput = deploymentRefInput.extend({
  revision,
  // Up to the left-over batch after the listed ones, and one more: approving
  // past a halted last batch accepts it.
  batch: z
    .int()
    .min(1)
    .max(ROLLOUT_BATCHES_MAX_ITEMS + 2),
});
export type ApproveBatchInput = z.output<typeof approveBatchInput>;

export const rollbackInput = deploymentRefInput.extend({ revision });
export type RollbackInput = z.output<typeof rollbackInput>;

export const pauseRolloutInput = deploymentRefInput.extend({ paused: z.boolean() });
export type PauseRolloutInput = z.output<typeof pauseRolloutInput>;

/** The "Deploy nginx" preset: the local nginx image, host port 8080 -> container port 80. */
export const NGINX_PRESET = {
  name: "nginx",
  namespace: "default",
  image: "localhost/fleet-nginx:1.0",
  hostPort: 8080,
  containerPort: 80,
} as const;

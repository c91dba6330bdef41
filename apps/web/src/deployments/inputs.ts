// tRPC inputs for deployment writes, composed only of the contracts' schemas, so
// the form validates with exactly what the server (and the CRD) enforce.
import {
  deploymentSpecSchema,
  namespaceNameSchema,
  podmanServiceSchema,
  resourceNameSchema,
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

/** The "Deploy nginx" preset: the local nginx image, host port 8080 -> container port 80. */
export const NGINX_PRESET = {
  name: "nginx",
  namespace: "default",
  image: "localhost/fleet-nginx:1.0",
  hostPort: 8080,
  containerPort: 80,
} as const;

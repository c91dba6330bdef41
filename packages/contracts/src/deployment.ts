// The Deployment custom resource: its identity constants, spec, whole-object
// schema, and a builder for creating one as a typed value (no YAML in code).
import { z } from "zod";
import { deploymentStatusSchema } from "./deployment-status.js";
import { deviceIdSchema, namespaceNameSchema, resourceNameSchema } from "./kubernetes-names.js";
import { labelSelectorSchema, type LabelSelector } from "./label-selector.js";
import { TARGET_DEVICES_MAX_ITEMS } from "./limits.js";
import { parseOrThrow } from "./payload.js";
import { rolloutSpecSchema } from "./rollout.js";
import { scoreSchema } from "./score.js";

export const API_GROUP = "iot.nationtech.io";
export const API_VERSION = "v1alpha1";
export const KIND = "Deployment";
export const LIST_KIND = "DeploymentList";
export const PLURAL = "deployments";
export const SINGULAR = "deployment";
export const CRD_NAME = "deployments.iot.nationtech.io";
/** `apiVersion` field value of a Deployment object. */
export const API_GROUP_VERSION = "iot.nationtech.io/v1alpha1";
/** Held until the operator has removed the CR's desired-state entries from the KV. */
export const FINALIZER = "iot.nationtech.io/desired-state";

const targetDevicesSchema = z
  .array(deviceIdSchema)
  .min(1, "must name at least one device")
  .max(TARGET_DEVICES_MAX_ITEMS, `must name at most ${TARGET_DEVICES_MAX_ITEMS} devices`)
  .superRefine((devices, ctx) => {
    const seen = new Set<string>();
    devices.forEach((device, index) => {
      if (seen.has(device))
        ctx.addIssue({ code: "custom", path: [index], message: `duplicate device "${device}"` });
      seen.add(device);
    });
  })
  .meta({ "x-kubernetes-list-type": "set" });

const ONE_TARGETING_MESSAGE = "exactly one of targetDevices and targetSelector must be set";

export const deploymentSpecSchema = z
  .object({
    /** Devices named one by one (small fleets, tests); ids without a Device CR are still targeted. */
    targetDevices: targetDevicesSchema.optional(),
    /** Enrolled, enabled Devices whose labels match; follows label changes both ways. */
    targetSelector: labelSelectorSchema.optional(),
    score: scoreSchema,
    /** Staged rollout of new revisions; absent: every device gets a new revision at once. */
    rollout: rolloutSpecSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    if ((spec.targetDevices === undefined) === (spec.targetSelector === undefined))
      ctx.addIssue({
        code: "custom",
        path: [spec.targetDevices === undefined ? "targetSelector" : "targetDevices"],
        message: ONE_TARGETING_MESSAGE,
      });
  })
  // The same rule for the API server, so kubectl users get it too.
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "has(self.targetDevices) != has(self.targetSelector)",
        message: ONE_TARGETING_MESSAGE,
      },
    ],
  });

/** How a Deployment picks its devices. */
export type DeploymentTargeting =
  { kind: "devices"; devices: readonly string[] } | { kind: "selector"; selector: LabelSelector };

/** The targeting of a parsed spec (the schema guarantees exactly one is set). */
export function targetingOf(spec: DeploymentSpec): DeploymentTargeting {
  if (spec.targetSelector !== undefined) return { kind: "selector", selector: spec.targetSelector };
  return { kind: "devices", devices: spec.targetDevices ?? [] };
}

// Client libraries may hand metadata timestamps over as Date objects.
const metaTime = z.union([z.string(), z.date()]).optional();

// Loose: the API server owns metadata and adds fields (managedFields,
// ownerReferences, ...) that must survive a read-modify-write.
const metadataSchema = z.looseObject({
  name: resourceNameSchema,
  namespace: namespaceNameSchema,
  uid: z.string().optional(),
  generation: z.int().min(0).optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: metaTime,
  deletionTimestamp: metaTime,
  finalizers: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** A whole Deployment object as read from (or sent to) the API server. */
export const deploymentResourceSchema = z.object({
  apiVersion: z.literal(API_GROUP_VERSION),
  kind: z.literal(KIND),
  metadata: metadataSchema,
  spec: deploymentSpecSchema,
  status: deploymentStatusSchema.optional(),
});

export type DeploymentSpec = z.output<typeof deploymentSpecSchema>;
export type DeploymentSpecInput = z.input<typeof deploymentSpecSchema>;
export type DeploymentMetadata = z.output<typeof metadataSchema>;
export type DeploymentResource = z.output<typeof deploymentResourceSchema>;

/**
 * Builds a Deployment object ready to create. The spec is validated (and
 * defaults applied) here, so a bad spec fails with a PayloadError naming the
 * field instead of a less specific rejection from the API server.
 */
export function deploymentManifest(input: {
  namespace: string;
  name: string;
  spec: DeploymentSpecInput;
}): DeploymentResource {
  return parseOrThrow(
    deploymentResourceSchema,
    {
      apiVersion: API_GROUP_VERSION,
      kind: KIND,
      metadata: { name: input.name, namespace: input.namespace },
      spec: input.spec,
    },
    "Deployment",
  );
}

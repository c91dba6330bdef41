// The Device custom resource: the registry of devices and the store of their
// policies (ADR 0006). Cluster-scoped; its name is the device id. Minimal for
// now: disabled, the IdP identity (machine user and key), and the grants.
import { z } from "zod";
import { deviceIdSchema, labelKeySchema, labelValueSchema } from "./kubernetes-names.js";
import { DEVICE_LABELS_MAX_PROPERTIES, IDENTITY_ID_MAX_LENGTH } from "./limits.js";
import { parseOrThrow } from "./payload.js";
import { API_GROUP, API_VERSION } from "./deployment.js";

export const DEVICE_KIND = "Device";
export const DEVICE_LIST_KIND = "DeviceList";
export const DEVICE_PLURAL = "devices";
export const DEVICE_SINGULAR = "device";
export const DEVICE_CRD_NAME = "devices.iot.nationtech.io";
/** `apiVersion` field value of a Device object. */
export const DEVICE_API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;
/** Field selector path (a CRD selectable field) that finds the Device of an IdP user. */
export const DEVICE_USER_ID_FIELD = "spec.identity.userId";

/** What a device may do on NATS; nats-permissions.ts turns grants into subjects. */
export const DEVICE_GRANTS = ["desired-state.read", "agent-status.write"] as const;
export const deviceGrantSchema = z.enum(DEVICE_GRANTS);
export type DeviceGrant = z.output<typeof deviceGrantSchema>;
/** A new device reads its desired state and reports its status. */
export const DEFAULT_DEVICE_GRANTS: readonly DeviceGrant[] = DEVICE_GRANTS;

/** Ids the IdP hands out: digits for Zitadel; letters and a few separators for others. */
export const IDENTITY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
const identityIdSchema = z
  .string()
  .min(1, "must not be empty")
  .max(IDENTITY_ID_MAX_LENGTH, `must be at most ${IDENTITY_ID_MAX_LENGTH} characters`)
  .regex(IDENTITY_ID_PATTERN, "must be letters, digits, '.', '_', ':', '@' or '-'");

/** The device's machine user at the IdP and the id of its current key. */
export const deviceIdentitySchema = z.object({
  userId: identityIdSchema,
  keyId: identityIdSchema,
});

const grantsSchema = z
  .array(deviceGrantSchema)
  .max(DEVICE_GRANTS.length, `must list each grant at most once`)
  .superRefine((grants, ctx) => {
    const seen = new Set<string>();
    grants.forEach((grant, index) => {
      if (seen.has(grant))
        ctx.addIssue({ code: "custom", path: [index], message: `duplicate grant "${grant}"` });
      seen.add(grant);
    });
  })
  .meta({ "x-kubernetes-list-type": "set" })
  .default([...DEFAULT_DEVICE_GRANTS]);

export const deviceSpecSchema = z.object({
  /** A disabled device is refused by the identity service and its live connection closed. */
  disabled: z.boolean().default(false),
  /** Absent until the device has an IdP identity; such a device cannot connect. */
  identity: deviceIdentitySchema.optional(),
  grants: grantsSchema,
});

/** A Device's labels (the dashboard's add-device form validates with it too). */
export const deviceLabelsSchema = z
  .record(labelKeySchema, labelValueSchema)
  .refine(
    (labels) => Object.keys(labels).length <= DEVICE_LABELS_MAX_PROPERTIES,
    `must have at most ${DEVICE_LABELS_MAX_PROPERTIES} labels`,
  );

// Loose: the API server owns metadata and adds fields that must survive a read-modify-write.
const deviceMetadataSchema = z.looseObject({
  name: deviceIdSchema,
  uid: z.string().optional(),
  generation: z.int().min(0).optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.union([z.string(), z.date()]).optional(),
  labels: deviceLabelsSchema.optional(),
});

/** A whole Device object as read from (or sent to) the API server. */
export const deviceResourceSchema = z.object({
  apiVersion: z.literal(DEVICE_API_GROUP_VERSION),
  kind: z.literal(DEVICE_KIND),
  metadata: deviceMetadataSchema,
  spec: deviceSpecSchema,
});

export type DeviceIdentity = z.output<typeof deviceIdentitySchema>;
export type DeviceSpec = z.output<typeof deviceSpecSchema>;
export type DeviceSpecInput = z.input<typeof deviceSpecSchema>;
export type DeviceResource = z.output<typeof deviceResourceSchema>;

/**
 * Builds a Device object ready to create. Name, labels and spec are validated
 * (and defaults applied) here, so bad input fails with a PayloadError naming
 * the field before the API server is asked.
 */
export function deviceManifest(input: {
  name: string;
  labels?: Record<string, string>;
  spec?: DeviceSpecInput;
}): DeviceResource {
  return parseOrThrow(
    deviceResourceSchema,
    {
      apiVersion: DEVICE_API_GROUP_VERSION,
      kind: DEVICE_KIND,
      metadata: {
        name: input.name,
        ...(input.labels === undefined ? {} : { labels: input.labels }),
      },
      spec: input.spec ?? {},
    },
    "Device",
  );
}

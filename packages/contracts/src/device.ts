// The Device custom resource: the registry of devices and the store of their
// policies (ADR 0006). Cluster-scoped; its name is the device id, its labels
// are what deployments select on. The spec says what a deployer decided
// (disabled, approved, labels); the status says what the platform saw:
// iot-identity writes phase/identity/message, the operator connectivity,
// version, inventory and the Online condition (each patches only its fields).
import { z } from "zod";
import { inventorySchema } from "./agent-status.js";
import { clippedText } from "./clip.js";
import { API_GROUP, API_VERSION } from "./deployment.js";
import { conditionsSchema } from "./deployment-status.js";
import {
  deviceIdSchema,
  labelKeySchema,
  labelValueSchema,
  resourceNameSchema,
} from "./kubernetes-names.js";
import {
  DEVICE_DESCRIPTION_MAX_LENGTH,
  DEVICE_LABELS_MAX_PROPERTIES,
  ENROLLMENT_PUBLIC_KEY_MAX_LENGTH,
  IDENTITY_ID_MAX_LENGTH,
} from "./limits.js";
import { parseOrThrow } from "./payload.js";
import { timestampSchema } from "./timestamp.js";

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

/** A PEM "PUBLIC KEY" block (SPKI); the identity service checks it is an RSA key. */
export const PUBLIC_KEY_PEM_PATTERN =
  /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\r?\n?$/;

export const publicKeyPemSchema = z
  .string()
  .max(
    ENROLLMENT_PUBLIC_KEY_MAX_LENGTH,
    `must be at most ${ENROLLMENT_PUBLIC_KEY_MAX_LENGTH} characters`,
  )
  .regex(PUBLIC_KEY_PEM_PATTERN, "must be a PEM public key (-----BEGIN PUBLIC KEY-----)");

/** What a device sent when it enrolled: its own public key (the private key never left it). */
export const deviceEnrollmentSchema = z.object({
  publicKey: publicKeyPemSchema,
  /** The EnrollmentToken it presented. */
  token: resourceNameSchema,
  requestedAt: timestampSchema,
});

export const deviceSpecSchema = z.object({
  /** A disabled device is refused by the identity service and its live connection closed. */
  disabled: z.boolean().default(false),
  description: z
    .string()
    .max(
      DEVICE_DESCRIPTION_MAX_LENGTH,
      `must be at most ${DEVICE_DESCRIPTION_MAX_LENGTH} characters`,
    )
    .optional(),
  /** Set by a deployer (or an auto-approve token): iot-identity then issues the identity for the enrolled key. */
  approved: z.boolean().default(false),
  /** Absent until the device has an IdP identity; such a device cannot connect. */
  identity: deviceIdentitySchema.optional(),
  grants: grantsSchema,
  /** Present when the device enrolled itself with a token (absent for `device add`). */
  enrollment: deviceEnrollmentSchema.optional(),
});

export const DEVICE_PHASES = ["PendingApproval", "Enrolled", "Disabled"] as const;
export const devicePhaseSchema = z.enum(DEVICE_PHASES);
export type DevicePhase = z.output<typeof devicePhaseSchema>;

/** The phase a spec implies: iot-identity writes it into status, readers may compute it. */
export function devicePhaseOf(spec: {
  disabled?: boolean | undefined;
  identity?: unknown;
}): DevicePhase {
  if (spec.disabled === true) return "Disabled";
  return spec.identity === undefined ? "PendingApproval" : "Enrolled";
}

export const DEVICE_CONNECTIVITY = ["Online", "Offline"] as const;
export const deviceConnectivitySchema = z.enum(DEVICE_CONNECTIVITY);
export type DeviceConnectivity = z.output<typeof deviceConnectivitySchema>;
/** The operator's condition on a Device: True while its heartbeats are fresh. */
export const DEVICE_CONDITION_ONLINE = "Online";

/** The hardware part of a heartbeat's inventory (the version has its own field). */
export const deviceInventorySummarySchema = inventorySchema.omit({ agentVersion: true });

export const deviceStatusSchema = z.object({
  phase: devicePhaseSchema.optional(),
  /** The identity as issued: when, and when its key was last replaced. */
  identity: z
    .object({
      keyId: deviceIdentitySchema.shape.keyId,
      issuedAt: timestampSchema,
      rotatedAt: timestampSchema.optional(),
    })
    .optional(),
  /** A human-readable word from iot-identity, e.g. why an approval could not be issued yet. */
  message: clippedText().optional(),
  connectivity: deviceConnectivitySchema.optional(),
  /** Written on each connectivity transition (and at most hourly while online): not per heartbeat. */
  lastSeenAt: timestampSchema.optional(),
  agentVersion: clippedText(256).optional(),
  inventory: deviceInventorySummarySchema.optional(),
  /**
   * How many deployments the device reported in its last heartbeat (written
   * when it changes). iot-identity waits for 0 before it closes a disabled
   * device's connection, so the device hears its workloads removed first.
   */
  reportedDeployments: z.int().min(0).optional(),
  conditions: conditionsSchema,
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
  status: deviceStatusSchema.optional(),
});

export type DeviceIdentity = z.output<typeof deviceIdentitySchema>;
export type DeviceSpec = z.output<typeof deviceSpecSchema>;
export type DeviceSpecInput = z.input<typeof deviceSpecSchema>;
export type DeviceResource = z.output<typeof deviceResourceSchema>;
export type DeviceEnrollment = z.output<typeof deviceEnrollmentSchema>;
export type DeviceStatus = z.output<typeof deviceStatusSchema>;
export type DeviceInventorySummary = z.output<typeof deviceInventorySummarySchema>;

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

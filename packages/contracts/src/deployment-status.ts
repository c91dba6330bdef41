// The Deployment CR's status: standard Kubernetes conditions plus the fleet
// aggregate the operator folds out of agent heartbeats.
import { z } from "zod";
import { clippedText } from "./clip.js";
import { deviceIdSchema } from "./kubernetes-names.js";
import {
  CONDITION_MESSAGE_MAX_LENGTH,
  CONDITION_REASON_MAX_LENGTH,
  CONDITION_TYPE_MAX_LENGTH,
  CONDITIONS_MAX_ITEMS,
} from "./limits.js";
import { rolloutStatusSchema } from "./rollout.js";
import { severitySchema } from "./severity.js";
import { timestampSchema } from "./timestamp.js";

export const CONDITION_READY = "Ready";
export const CONDITION_PROGRESSING = "Progressing";
export const CONDITION_DEGRADED = "Degraded";
/** True while two deployments want one host port on some device (both CRs carry it). */
export const CONDITION_HOST_PORT_CONFLICT = "HostPortConflict";
export type ConditionType =
  | typeof CONDITION_READY
  | typeof CONDITION_PROGRESSING
  | typeof CONDITION_DEGRADED
  | typeof CONDITION_HOST_PORT_CONFLICT;

/** Same shape and limits as metav1.Condition, so kubectl and other tools read it. */
export const conditionSchema = z.object({
  type: z
    .string()
    .max(CONDITION_TYPE_MAX_LENGTH)
    .regex(
      /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
      "must be a condition type such as Ready or example.com/Ready",
    ),
  status: z.enum(["True", "False", "Unknown"]),
  reason: z
    .string()
    .max(CONDITION_REASON_MAX_LENGTH)
    .regex(
      /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/,
      "must be a CamelCase reason such as AllDevicesRunning",
    ),
  message: z.string().max(CONDITION_MESSAGE_MAX_LENGTH),
  lastTransitionTime: timestampSchema,
  observedGeneration: z.int().min(0).optional(),
});

/** How many fleet events the CR keeps; the full history lives in agent heartbeats. */
export const RECENT_AGGREGATE_EVENTS_LIMIT = 20;

const count = (): z.ZodDefault<z.ZodInt> => z.int().min(0, "must be a count (>= 0)").default(0);

export const aggregateEventSchema = z.object({
  at: timestampSchema,
  device: deviceIdSchema,
  severity: severitySchema,
  // Clipped, not rejected, on read: a status written before the limit still parses.
  message: clippedText(),
});

/** Failures the CR names device by device; the rest stay in KV, where the dashboard reads them. */
export const RECENT_FAILURES_LIMIT = 20;
/** Each failure's text is clipped shorter than lastError's: 20 of them must fit the status budget. */
export const RECENT_FAILURE_MESSAGE_MAX_LENGTH = 256;

export const deviceFailureSchema = z.object({
  device: deviceIdSchema,
  message: clippedText(RECENT_FAILURE_MESSAGE_MAX_LENGTH),
  at: timestampSchema,
});

export const aggregateSchema = z.object({
  /** Devices this deployment targets now (its list, or what its selector matches). */
  matchedDevices: count(),
  succeeded: count(),
  failed: count(),
  pending: count(),
  /** Targeted devices with no heartbeat report for this deployment. */
  unreported: count(),
  /** Matched devices where this deployment is withheld: an older one holds the same host port there. */
  conflicted: count(),
  lastError: z
    .object({ device: deviceIdSchema, message: clippedText(), at: timestampSchema })
    .optional(),
  recentEvents: z
    .array(aggregateEventSchema)
    .max(RECENT_AGGREGATE_EVENTS_LIMIT, `must hold at most ${RECENT_AGGREGATE_EVENTS_LIMIT} events`)
    .default([]),
  /** The newest failures, one per device, newest first; never the whole fleet. */
  recentFailures: z
    .array(deviceFailureSchema)
    .max(RECENT_FAILURES_LIMIT, `must hold at most ${RECENT_FAILURES_LIMIT} failures`)
    .default([]),
  lastHeartbeatAt: timestampSchema.optional(),
});

/** Conditions as metav1 has them: unique by type (Deployment and Device status). */
export const conditionsSchema = z
  .array(conditionSchema)
  .max(CONDITIONS_MAX_ITEMS, `must hold at most ${CONDITIONS_MAX_ITEMS} conditions`)
  .superRefine((conditions, ctx) => {
    const seen = new Set<string>();
    conditions.forEach((condition, index) => {
      if (seen.has(condition.type)) {
        ctx.addIssue({
          code: "custom",
          path: [index, "type"],
          message: `duplicate condition type "${condition.type}"`,
        });
      }
      seen.add(condition.type);
    });
  })
  .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] })
  .default([]);

export const deploymentStatusSchema = z.object({
  observedGeneration: z.int().min(0).optional(),
  conditions: conditionsSchema,
  aggregate: aggregateSchema.optional(),
  /** The staged rollout of the spec's revision (also kept for deployments without spec.rollout). */
  rollout: rolloutStatusSchema.optional(),
});

export type Condition = z.output<typeof conditionSchema>;
export type AggregateEvent = z.output<typeof aggregateEventSchema>;
export type Aggregate = z.output<typeof aggregateSchema>;
export type DeviceFailure = z.output<typeof deviceFailureSchema>;
export type DeploymentStatus = z.output<typeof deploymentStatusSchema>;

// The agent-status KV value: a device's heartbeat. Agents and the operator are
// upgraded independently, so this type only grows by optional fields with
// defaults, and unknown fields from newer agents are dropped on decode.
import { z } from "zod";
import { clippedText } from "./clip.js";
import { DESIRED_STATE_KEY_MAX_LENGTH, isDesiredStateKey } from "./keys.js";
import { deviceIdSchema } from "./kubernetes-names.js";
import { LABEL_TEXT_MAX_LENGTH } from "./limits.js";
import { decodePayload, encodePayload } from "./payload.js";
import { severitySchema } from "./severity.js";
import { timestampSchema } from "./timestamp.js";

export const AGENT_STATUS_SCHEMA_VERSION = 1;
/** Size of the agent's ring of recent events. */
export const RECENT_EVENTS_LIMIT = 50;

export const deploymentPhaseSchema = z.enum(["Running", "Failed", "Pending"]);

// Texts are clipped, never rejected, on decode: an older agent's over-long
// error must not make its whole heartbeat invalid (the device would look offline).
const label = (): z.ZodString => clippedText(LABEL_TEXT_MAX_LENGTH);

export const agentEventSchema = z.object({
  at: timestampSchema,
  severity: severitySchema,
  message: clippedText(),
  /** The desired-state key the event is about, if any. */
  deployment: z.string().max(DESIRED_STATE_KEY_MAX_LENGTH).optional(),
});

export const inventorySchema = z.object({
  cpuCores: z.int().min(0),
  memoryBytes: z.int().min(0),
  diskBytes: z.int().min(0),
  kernel: label(),
  /** GOARCH names, as Kubernetes and images use them: amd64, arm64, arm (earlier agents sent uname -m). */
  arch: label(),
  os: label(),
  agentVersion: label(),
});

export const deploymentReportSchema = z.object({
  phase: deploymentPhaseSchema,
  /** The revision of the desired-state entry this phase is about (absent from older agents). */
  revision: z.int().min(1).optional(),
  lastError: clippedText().optional(),
  lastEventAt: timestampSchema.optional(),
});

const desiredStateKeySchema = z
  .string()
  .refine(isDesiredStateKey, "must be a desired-state key <device>.<namespace>.<name>");

export const agentStatusSchema = z.object({
  schemaVersion: z
    .literal(AGENT_STATUS_SCHEMA_VERSION, {
      error: `unsupported schemaVersion; this build understands ${AGENT_STATUS_SCHEMA_VERSION}`,
    })
    .default(AGENT_STATUS_SCHEMA_VERSION),
  deviceId: deviceIdSchema,
  agentVersion: label().min(1, "must name the agent version"),
  lastHeartbeatAt: timestampSchema,
  /** Keyed by desired-state key. */
  deployments: z.record(desiredStateKeySchema, deploymentReportSchema).default({}),
  recentEvents: z
    .array(agentEventSchema)
    .max(RECENT_EVENTS_LIMIT, `must hold at most ${RECENT_EVENTS_LIMIT} events`)
    .default([]),
  inventory: inventorySchema.optional(),
});

export type DeploymentPhase = z.output<typeof deploymentPhaseSchema>;
export type AgentEvent = z.output<typeof agentEventSchema>;
export type Inventory = z.output<typeof inventorySchema>;
export type DeploymentReport = z.output<typeof deploymentReportSchema>;
export type AgentStatus = z.output<typeof agentStatusSchema>;
export type AgentStatusInput = z.input<typeof agentStatusSchema>;

/** Validates, applies defaults and returns canonical JSON bytes. Throws PayloadError. */
export function encodeAgentStatus(status: AgentStatusInput): Uint8Array {
  return encodePayload(agentStatusSchema, status, "agent-status payload");
}

/** Parses KV bytes. Throws PayloadError naming the field, or saying "not JSON". */
export function decodeAgentStatus(bytes: Uint8Array): AgentStatus {
  return decodePayload(agentStatusSchema, bytes, "agent-status payload");
}

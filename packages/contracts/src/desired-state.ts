// The desired-state KV value: one CR's score for one device, plus the CR's
// identity so the agent can report against it. Encoded as canonical JSON so the
// operator can skip writes whose bytes would not change and the agent can
// detect drift byte for byte.
import { z } from "zod";
import { namespaceNameSchema, resourceNameSchema } from "./kubernetes-names.js";
import { decodePayload, encodePayload } from "./payload.js";
import { scoreSchema } from "./score.js";

export const DESIRED_STATE_SCHEMA_VERSION = 1;

export const desiredStateEntrySchema = z.object({
  schemaVersion: z.literal(DESIRED_STATE_SCHEMA_VERSION, {
    error: `unsupported schemaVersion; this build understands ${DESIRED_STATE_SCHEMA_VERSION}`,
  }),
  deployment: z.object({
    namespace: namespaceNameSchema,
    name: resourceNameSchema,
    uid: z.string().min(1, "must be the CR's metadata.uid"),
    generation: z.int().min(0),
  }),
  /**
   * The CR's revision this score is (see rollout.ts). During a staged rollout
   * devices hold different revisions; the agent reports it back with the phase.
   * Absent in entries written before revisions existed.
   */
  revision: z.int().min(1).optional(),
  score: scoreSchema,
});

export type DesiredStateEntry = z.output<typeof desiredStateEntrySchema>;
export type DesiredStateEntryInput = z.input<typeof desiredStateEntrySchema>;

/** Validates, applies defaults and returns canonical JSON bytes. Throws PayloadError. */
export function encodeDesiredState(entry: DesiredStateEntryInput): Uint8Array {
  return encodePayload(desiredStateEntrySchema, entry, "desired-state payload");
}

/** Parses KV bytes. Throws PayloadError naming the field, or saying "not JSON". */
export function decodeDesiredState(bytes: Uint8Array): DesiredStateEntry {
  return decodePayload(desiredStateEntrySchema, bytes, "desired-state payload");
}

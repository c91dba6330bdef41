// The enrollment API iot-identity serves over HTTPS (ADR 0008): a device
// presents a token and its own public key; later it proves it holds the
// matching private key and, once approved, learns the identity issued for it.
import { z } from "zod";
import { inventorySchema } from "./agent-status.js";
import { clippedText } from "./clip.js";
import { deviceCredentialsSchema } from "./device-credentials.js";
import { devicePhaseSchema, publicKeyPemSchema } from "./device.js";
import { deviceIdSchema } from "./kubernetes-names.js";
import { ENROLLMENT_PROOF_MAX_LENGTH, ENROLLMENT_TOKEN_MAX_LENGTH } from "./limits.js";

export const ENROLLMENT_PATH = "/v1/enrollments";
export const ENROLLMENT_STATUS_PATH = "/v1/enrollments/status";
/** A status proof is valid this long after its `iat` (and is refused past its `exp`). */
export const ENROLLMENT_PROOF_MAX_LIFETIME_SECONDS = 5 * 60;

export const enrollmentRequestSchema = z.object({
  /** `<token name>.<secret>`, exactly as the deployer was shown it. */
  token: z
    .string()
    .min(1, "must not be empty")
    .max(ENROLLMENT_TOKEN_MAX_LENGTH, `must be at most ${ENROLLMENT_TOKEN_MAX_LENGTH} characters`),
  deviceId: deviceIdSchema,
  publicKey: publicKeyPemSchema,
  agentVersion: clippedText(256).optional(),
  inventory: inventorySchema.optional(),
});

export const enrollmentResponseSchema = z.object({
  deviceId: deviceIdSchema,
  phase: devicePhaseSchema,
  message: clippedText(),
});

export const enrollmentStatusRequestSchema = z.object({
  deviceId: deviceIdSchema,
  /** JWT, RS256, signed with the enrolled key: iss = sub = deviceId, aud = the status URL, iat, exp. */
  proof: z
    .string()
    .min(1, "must not be empty")
    .max(ENROLLMENT_PROOF_MAX_LENGTH, `must be at most ${ENROLLMENT_PROOF_MAX_LENGTH} characters`),
});

/** What an enrolled device needs besides its own private key to write its credential file. */
export const issuedIdentitySchema = deviceCredentialsSchema.pick({
  userId: true,
  keyId: true,
  issuer: true,
  projectId: true,
  natsServers: true,
  issuerCa: true,
});

export const enrollmentStatusResponseSchema = z.discriminatedUnion("phase", [
  z.object({ phase: z.literal("PendingApproval"), message: clippedText() }),
  z.object({ phase: z.literal("Disabled"), message: clippedText() }),
  z.object({ phase: z.literal("Enrolled"), identity: issuedIdentitySchema }),
]);

/** Every refusal: a 4xx status and one sentence saying what is wrong. */
export const enrollmentErrorSchema = z.object({ error: clippedText() });

export type EnrollmentRequest = z.output<typeof enrollmentRequestSchema>;
export type EnrollmentResponse = z.output<typeof enrollmentResponseSchema>;
export type EnrollmentStatusRequest = z.output<typeof enrollmentStatusRequestSchema>;
export type EnrollmentStatusResponse = z.output<typeof enrollmentStatusResponseSchema>;
export type IssuedIdentity = z.output<typeof issuedIdentitySchema>;
export type EnrollmentError = z.output<typeof enrollmentErrorSchema>;

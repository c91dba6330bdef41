// The EnrollmentToken custom resource: what lets a new device ask to join the
// fleet (ADR 0008). Only the secret's hash is stored; the token text
// `<name>.<secret>` is shown once, when the token is created. Cluster-scoped,
// like the Devices it admits.
import { z } from "zod";
import { API_GROUP, API_VERSION } from "./deployment.js";
import { deviceLabelsSchema } from "./device.js";
import { DNS1123_LABEL_PATTERN, deviceIdSchema } from "./kubernetes-names.js";
import {
  DEVICE_DESCRIPTION_MAX_LENGTH,
  ENROLLMENT_RECENT_USES_LIMIT,
  ENROLLMENT_TOKEN_MAX_LENGTH,
  ENROLLMENT_TOKEN_MAX_USES,
} from "./limits.js";
import { clippedText } from "./clip.js";
import { parseOrThrow } from "./payload.js";
import { timestampSchema } from "./timestamp.js";

export const ENROLLMENT_TOKEN_KIND = "EnrollmentToken";
export const ENROLLMENT_TOKEN_LIST_KIND = "EnrollmentTokenList";
export const ENROLLMENT_TOKEN_PLURAL = "enrollmenttokens";
export const ENROLLMENT_TOKEN_SINGULAR = "enrollmenttoken";
export const ENROLLMENT_TOKEN_CRD_NAME = "enrollmenttokens.iot.nationtech.io";
export const ENROLLMENT_TOKEN_API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

/** `sha256:` and 64 lowercase hex digits. */
export const SECRET_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
/** base64url of 32 random bytes is 43 characters; allow longer secrets, never shorter. */
export const ENROLLMENT_SECRET_PATTERN = /^[A-Za-z0-9_-]{43,256}$/;

/** A token's name is one DNS-1123 label, so `<name>.<secret>` splits at the first dot. */
export const enrollmentTokenNameSchema = deviceIdSchema;

export const enrollmentTokenSpecSchema = z.object({
  secretHash: z.string().regex(SECRET_HASH_PATTERN, "must be sha256:<64 hex digits>"),
  /** Given to every device that enrolls with this token. */
  labels: deviceLabelsSchema.optional(),
  /** After this instant the token is refused. */
  expiresAt: timestampSchema.optional(),
  maxUses: z
    .int()
    .min(1, "must be at least 1")
    .max(ENROLLMENT_TOKEN_MAX_USES, `must be at most ${ENROLLMENT_TOKEN_MAX_USES}`)
    .default(1),
  /** Devices enrolled with it are approved at once (no deployer in the loop). */
  autoApprove: z.boolean().default(false),
  revoked: z.boolean().default(false),
  description: z
    .string()
    .max(
      DEVICE_DESCRIPTION_MAX_LENGTH,
      `must be at most ${DEVICE_DESCRIPTION_MAX_LENGTH} characters`,
    )
    .optional(),
});

export const enrollmentUseSchema = z.object({
  at: timestampSchema,
  device: deviceIdSchema,
  result: z.enum(["Accepted", "Refused"]),
  reason: clippedText().optional(),
});

export const enrollmentTokenStatusSchema = z.object({
  /** Accepted uses so far (refused attempts do not count). */
  uses: z.int().min(0).default(0),
  lastUsedAt: timestampSchema.optional(),
  recentUses: z
    .array(enrollmentUseSchema)
    .max(ENROLLMENT_RECENT_USES_LIMIT, `must hold at most ${ENROLLMENT_RECENT_USES_LIMIT} uses`)
    .default([]),
});

const enrollmentTokenMetadataSchema = z.looseObject({
  name: enrollmentTokenNameSchema,
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.union([z.string(), z.date()]).optional(),
});

export const enrollmentTokenResourceSchema = z.object({
  apiVersion: z.literal(ENROLLMENT_TOKEN_API_GROUP_VERSION),
  kind: z.literal(ENROLLMENT_TOKEN_KIND),
  metadata: enrollmentTokenMetadataSchema,
  spec: enrollmentTokenSpecSchema,
  status: enrollmentTokenStatusSchema.optional(),
});

export type EnrollmentTokenSpec = z.output<typeof enrollmentTokenSpecSchema>;
export type EnrollmentTokenSpecInput = z.input<typeof enrollmentTokenSpecSchema>;
export type EnrollmentTokenStatus = z.output<typeof enrollmentTokenStatusSchema>;
export type EnrollmentUse = z.output<typeof enrollmentUseSchema>;
export type EnrollmentTokenResource = z.output<typeof enrollmentTokenResourceSchema>;

/** Builds an EnrollmentToken object ready to create (validated; a PayloadError names the field). */
export function enrollmentTokenManifest(input: {
  name: string;
  spec: EnrollmentTokenSpecInput;
}): EnrollmentTokenResource {
  return parseOrThrow(
    enrollmentTokenResourceSchema,
    {
      apiVersion: ENROLLMENT_TOKEN_API_GROUP_VERSION,
      kind: ENROLLMENT_TOKEN_KIND,
      metadata: { name: input.name },
      spec: input.spec,
    },
    "EnrollmentToken",
  );
}

/** A token text that is not `<name>.<secret>`. The message never repeats the text. */
export class EnrollmentTokenFormatError extends Error {
  constructor(problem: string) {
    super(`enrollment token: ${problem}`);
    this.name = "EnrollmentTokenFormatError";
  }
}

/** The text handed to a device: `<token name>.<secret>`. */
export function formatEnrollmentToken(name: string, secret: string): string {
  return `${name}.${secret}`;
}

/** Splits a token text; throws EnrollmentTokenFormatError saying what is wrong (never echoing the secret). */
export function parseEnrollmentToken(text: string): { name: string; secret: string } {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new EnrollmentTokenFormatError("is empty");
  if (trimmed.length > ENROLLMENT_TOKEN_MAX_LENGTH)
    throw new EnrollmentTokenFormatError(
      `must be at most ${ENROLLMENT_TOKEN_MAX_LENGTH} characters`,
    );
  const dot = trimmed.indexOf(".");
  if (dot < 0) throw new EnrollmentTokenFormatError("must be <name>.<secret> (no '.' found)");
  const name = trimmed.slice(0, dot);
  const secret = trimmed.slice(dot + 1);
  if (!DNS1123_LABEL_PATTERN.test(name) || name.length > 63)
    throw new EnrollmentTokenFormatError(
      "its name (before the '.') must be a DNS-1123 label: lowercase letters, digits and '-'",
    );
  if (!ENROLLMENT_SECRET_PATTERN.test(secret))
    throw new EnrollmentTokenFormatError(
      "its secret (after the '.') must be 43 or more base64url characters",
    );
  return { name, secret };
}

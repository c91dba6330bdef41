// The Devices page's tRPC inputs, from the contracts' schemas: the browser's
// forms validate with the same ones, so a field error shows before a request.
import {
  deviceIdSchema,
  deviceLabelsSchema,
  enrollmentTokenNameSchema,
  enrollmentTokenSpecSchema,
} from "@fleet/contracts";
import { z } from "zod";

export const addDeviceInput = z.object({
  id: deviceIdSchema,
  labels: deviceLabelsSchema.default({}),
});

export const deviceRefInput = z.object({ id: deviceIdSchema });

/** Approve a pending enrollment, adding these labels to the ones it has. */
export const approveDeviceInput = z.object({
  id: deviceIdSchema,
  labels: deviceLabelsSchema.default({}),
});

/** Replace a device's labels with exactly these. */
export const setDeviceLabelsInput = z.object({
  id: deviceIdSchema,
  labels: deviceLabelsSchema,
  /** The labels the edit started from: refused (CONFLICT) if the device's labels are no longer these. */
  previousLabels: deviceLabelsSchema.optional(),
});

/** A year: a longer-lived enrollment secret is better made again when needed. */
export const ENROLLMENT_TOKEN_MAX_HOURS = 24 * 365;

/** The token's own fields are the EnrollmentToken's (contracts), but for its expiry: hours from now. */
const tokenSpec = enrollmentTokenSpecSchema.shape;

export const createEnrollmentTokenInput = z.object({
  /** Given to every device that enrolls with it. */
  labels: deviceLabelsSchema.default({}),
  /** Hours from now; absent: it never expires (it still runs out of uses). */
  expiresInHours: z
    .int("must be a whole number of hours")
    .min(1, "must be at least 1 hour")
    .max(ENROLLMENT_TOKEN_MAX_HOURS, `must be at most ${ENROLLMENT_TOKEN_MAX_HOURS} hours`)
    .optional(),
  maxUses: tokenSpec.maxUses,
  autoApprove: tokenSpec.autoApprove,
  description: tokenSpec.description,
});

export const enrollmentTokenRefInput = z.object({ name: enrollmentTokenNameSchema });

export type AddDeviceInput = z.output<typeof addDeviceInput>;
export type ApproveDeviceInput = z.output<typeof approveDeviceInput>;
export type SetDeviceLabelsInput = z.output<typeof setDeviceLabelsInput>;
export type CreateEnrollmentTokenInput = z.input<typeof createEnrollmentTokenInput>;

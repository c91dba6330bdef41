// The Devices page's tRPC inputs, from the contracts' schemas: the browser's
// forms validate with the same ones, so a field error shows before a request.
import {
  DEVICE_DESCRIPTION_MAX_LENGTH,
  ENROLLMENT_TOKEN_MAX_USES,
  deviceIdSchema,
  deviceLabelsSchema,
  enrollmentTokenNameSchema,
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

export const createEnrollmentTokenInput = z.object({
  /** Given to every device that enrolls with it. */
  labels: deviceLabelsSchema.default({}),
  /** Hours from now; absent: it never expires (it still runs out of uses). */
  expiresInHours: z
    .int("must be a whole number of hours")
    .min(1, "must be at least 1 hour")
    .max(ENROLLMENT_TOKEN_MAX_HOURS, `must be at most ${ENROLLMENT_TOKEN_MAX_HOURS} hours`)
    .optional(),
  maxUses: z
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(ENROLLMENT_TOKEN_MAX_USES, `must be at most ${ENROLLMENT_TOKEN_MAX_USES}`)
    .default(1),
  autoApprove: z.boolean().default(false),
  description: z
    .string()
    .max(
      DEVICE_DESCRIPTION_MAX_LENGTH,
      `must be at most ${DEVICE_DESCRIPTION_MAX_LENGTH} characters`,
    )
    .optional(),
});

export const enrollmentTokenRefInput = z.object({ name: enrollmentTokenNameSchema });

export type AddDeviceInput = z.output<typeof addDeviceInput>;
export type ApproveDeviceInput = z.output<typeof approveDeviceInput>;
export type SetDeviceLabelsInput = z.output<typeof setDeviceLabelsInput>;
export type CreateEnrollmentTokenInput = z.input<typeof createEnrollmentTokenInput>;

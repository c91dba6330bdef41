// One timestamp format for every wire type: RFC 3339 (what Kubernetes writes
// for metav1.Time and what `new Date().toISOString()` produces), so times from
// agents, the operator and the API server compare and sort the same way.
import { z } from "zod";

/** Longer than any RFC 3339 time (nanoseconds and an offset take 35); bounds the fraction. */
export const TIMESTAMP_MAX_LENGTH = 64;
const TIMESTAMP_RULE = "must be an RFC 3339 timestamp such as 2024-05-01T12:00:00Z";

/** RFC 3339 date-time, `Z` or a numeric offset, optional fractional seconds. */
export const timestampSchema = z.iso
  .datetime({ offset: true, error: TIMESTAMP_RULE })
  .max(TIMESTAMP_MAX_LENGTH, TIMESTAMP_RULE);

export type Timestamp = z.output<typeof timestampSchema>;

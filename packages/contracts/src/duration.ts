// Durations as people write them: "500ms", "15s", "2m", "24h", "7d", or a bare
// number of milliseconds. One grammar for flags, env and CR fields.
import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const PATTERN_SOURCE = "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)?$";
/** Longer than any real duration text; a CR field is bounded by it. */
export const DURATION_TEXT_MAX_LENGTH = 32;

const notADuration = (text: string): string =>
  `"${text}" is not a duration; use e.g. 500ms, 15s, 2m, 24h or 7d`;

/** Milliseconds for a duration text, or undefined when it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const match = PATTERN.exec(text.trim());
  const amount = match?.[1];
  if (match === null || amount === undefined) return undefined;
  const unit = (match[2] ?? "ms") as keyof typeof UNIT_MS;
  return Math.round(Number(amount) * UNIT_MS[unit]);
}

/** A zod schema that turns "15s" into 15000; the error says which forms are accepted. */
export const durationSchema = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: notADuration(text) });
    return z.NEVER;
  }
  return ms;
});

/**
 * A duration kept as text (a CR field: what the user wrote round-trips);
 * read it with parseDurationMs. The pattern is also given to the API server.
 */
export const durationTextSchema = z
  .string()
  .max(DURATION_TEXT_MAX_LENGTH)
  .regex(new RegExp(PATTERN_SOURCE), "must be a duration such as 30s, 10m or 24h");

/** "15s" for 15000, for messages and logs. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

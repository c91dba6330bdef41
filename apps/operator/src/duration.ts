// Durations in flags and env: "500ms", "15s", "2m", "24h", "7d", or a bare number of milliseconds.
import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

/** A zod schema that turns "15s" into 15000; the error says which forms are accepted. */
export const durationSchema = z.string().transform((text, ctx) => {
  const match = PATTERN.exec(text.trim());
  const amount = match?.[1];
  if (match === null || amount === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `"${text}" is not a duration; use e.g. 500ms, 15s, 2m, 24h or 7d`,
    });
    return z.NEVER;
  }
  const unit = (match[2] ?? "ms") as keyof typeof UNIT_MS;
  return Math.round(Number(amount) * UNIT_MS[unit]);
});

/** "15s" for 15000, for messages and logs. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

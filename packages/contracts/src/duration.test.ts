import { describe, expect, it } from "vitest";
import { durationSchema, formatDuration } from "./duration.js";

describe("duration", () => {
  it("durationSchema - accepts ms, s, m, h, d and bare milliseconds", () => {
    expect(durationSchema.parse("24h")).toBe(86_400_000);
    expect(durationSchema.parse("7d")).toBe(604_800_000);
    expect(durationSchema.parse("500ms")).toBe(500);
    expect(durationSchema.parse("15s")).toBe(15_000);
    expect(durationSchema.parse("1.5s")).toBe(1500);
    expect(durationSchema.parse("2m")).toBe(120_000);
    expect(durationSchema.parse("250")).toBe(250);
  });

  it("durationSchema - rejects anything else, saying which forms work", () => {
    const result = durationSchema.safeParse("5 hours");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain("use e.g. 500ms, 15s, 2m, 24h or 7d");
  });

  it("formatDuration - seconds when whole", () => {
    expect(formatDuration(15_000)).toBe("15s");
    expect(formatDuration(1500)).toBe("1500ms");
  });
});

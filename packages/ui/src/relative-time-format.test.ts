import { describe, expect, it } from "vitest";
import { formatExact, formatRelative } from "./relative-time-format.js";

const now = Date.parse("2026-01-01T12:00:00Z");
const ago = (seconds: number): number => now - seconds * 1000;

describe("relative time - formatting", () => {
  it("counts seconds under a minute", () => {
    expect(formatRelative(ago(0), now)).toBe("0 s ago");
    expect(formatRelative(ago(12), now)).toBe("12 s ago");
    expect(formatRelative(ago(59), now)).toBe("59 s ago");
  });

  it("rounds down to whole minutes, hours and days", () => {
    expect(formatRelative(ago(60), now)).toBe("1 min ago");
    expect(formatRelative(ago(3 * 60 + 59), now)).toBe("3 min ago");
    expect(formatRelative(ago(3600), now)).toBe("1 h ago");
    expect(formatRelative(ago(25 * 3600), now)).toBe("1 d ago");
  });

  it("says a moment ahead of now is ahead", () => {
    expect(formatRelative(now + 5000, now)).toBe("in 5 s");
    expect(formatRelative(now + 2 * 3600 * 1000, now)).toBe("in 2 h");
  });

  it("rounds sub-second noise to the nearest second", () => {
    expect(formatRelative(now + 400, now)).toBe("0 s ago");
    expect(formatRelative(ago(11.6), now)).toBe("12 s ago");
  });

  it("names an unreadable time instead of printing NaN", () => {
    expect(formatRelative(Number.NaN, now)).toBe("unknown time");
    expect(formatExact(Number.NaN)).toBe("unknown time");
  });

  it("gives the exact time to the second with its zone", () => {
    expect(formatExact(Date.parse("2026-01-01T12:00:03Z"), "UTC")).toBe("1 Jan 2026, 12:00:03 UTC");
  });
});

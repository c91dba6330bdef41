import { describe, expect, it } from "vitest";
import { slopePerHour, trendOf, type Point } from "./trend.js";

const line = (perHour: number, from = 100): Point[] =>
  Array.from({ length: 13 }, (_, i) => ({ t: i * 300, value: from + (perHour * i * 300) / 3600 }));

describe("soak trend", () => {
  it("soak trend - a straight line's slope per hour, whole and second half", () => {
    const trend = trendOf(line(12));
    expect(trend).toEqual({
      n: 13,
      start: 100,
      end: 112,
      min: 100,
      max: 112,
      slopePerHour: 12,
      slopePerHourSecondHalf: 12,
    });
  });

  it("soak trend - start-up growth that levels off shows in the whole slope, not the second half's", () => {
    const points = line(0, 200).map((p, i) => (i < 3 ? { ...p, value: 150 + i * 20 } : p));
    const trend = trendOf(points);
    expect(trend?.slopePerHour).toBeGreaterThan(0);
    expect(trend?.slopePerHourSecondHalf).toBe(0);
    expect(trend?.max).toBe(200);
  });

  it("soak trend - no slope from one point or from points at one time; nothing from none", () => {
    expect(slopePerHour([{ t: 0, value: 5 }])).toBeNull();
    expect(
      slopePerHour([
        { t: 10, value: 5 },
        { t: 10, value: 9 },
      ]),
    ).toBeNull();
    expect(trendOf([])).toBeUndefined();
  });
});

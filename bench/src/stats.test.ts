import { describe, expect, it } from "vitest";
import { latencyFigure, percentile } from "./stats.js";

describe("stats", () => {
  it("percentile - nearest rank of an unsorted sample", () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 95)).toBe(10);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
  });

  it("latencyFigure - ratio is the p50 over the floor's p50", () => {
    const figure = latencyFigure("x", [100, 200, 300], { floorSamples: [50, 100, 150] });
    expect(figure).toMatchObject({ value: 200, p50: 200, floor: 100, ratio: 2, n: 3 });
  });
});

// How a series sampled over a soak moved: where it started and ended, its
// highest point, and its least-squares slope per hour, over the whole run and
// over its second half (the first minutes include start-up growth: JIT, caches
// filling, connections opening). Flat is the target, so the slope is the figure.

export interface Point {
  /** Seconds since the soak started. */
  t: number;
  value: number;
}

export interface Trend {
  n: number;
  start: number;
  end: number;
  min: number;
  max: number;
  /** Least-squares slope in units per hour; null with fewer than two points. */
  slopePerHour: number | null;
  /** The same over the points of the second half of the run's time. */
  slopePerHourSecondHalf: number | null;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** Least-squares slope of value over t, per hour; null when t does not vary. */
export function slopePerHour(points: readonly Point[]): number | null {
  if (points.length < 2) return null;
  const meanT = points.reduce((sum, p) => sum + p.t, 0) / points.length;
  const meanV = points.reduce((sum, p) => sum + p.value, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.t - meanT) * (p.value - meanV);
    variance += (p.t - meanT) ** 2;
  }
  return variance === 0 ? null : round((covariance / variance) * 3600);
}

export function trendOf(points: readonly Point[]): Trend | undefined {
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const values = points.map((p) => p.value);
  const middle = (first.t + last.t) / 2;
  return {
    n: points.length,
    start: round(first.value),
    end: round(last.value),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    slopePerHour: slopePerHour(points),
    slopePerHourSecondHalf: slopePerHour(points.filter((p) => p.t >= middle)),
  };
}

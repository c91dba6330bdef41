// Percentiles and the figure record every benchmark prints.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  n: number;
  p50?: number;
  p95?: number;
  p99?: number;
  floor?: number;
  ratio?: number;
  target?: string;
  note?: string;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN;
}

/** A latency figure: value is the p50; floor is the p50 of the floor's samples. */
export function latencyFigure(
  name: string,
  samples: readonly number[],
  extra: { floorSamples?: readonly number[]; target?: string; note?: string; unit?: string } = {},
): Figure {
  const p50 = percentile(samples, 50);
  const figure: Figure = {
    name,
    value: round(p50),
    unit: extra.unit ?? "ms",
    n: samples.length,
    p50: round(p50),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
  };
  if (extra.floorSamples !== undefined && extra.floorSamples.length > 0) {
    const floor = percentile(extra.floorSamples, 50);
    figure.floor = round(floor);
    figure.ratio = round(p50 / floor);
  }
  if (extra.target !== undefined) figure.target = extra.target;
  if (extra.note !== undefined) figure.note = extra.note;
  return figure;
}

/** A single measured value (RSS, rate) with n = how many readings went into it. */
export function valueFigure(
  name: string,
  value: number,
  unit: string,
  n: number,
  extra: { target?: string; note?: string } = {},
): Figure {
  return { name, value: round(value), unit, n, ...extra };
}

// Reading a counter out of a Prometheus /metrics page: the sum over every
// series of one metric whose labels include the given ones (so
// `{ kind: "device", result: "admitted" }` adds up every refusal reason's
// series, or none). Enough for the counters the benchmarks read.

const SERIES = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function labelsOf(text: string | undefined): Map<string, string> {
  const labels = new Map<string, string>();
  for (const match of (text ?? "").matchAll(LABEL)) labels.set(match[1] ?? "", match[2] ?? "");
  return labels;
}

export function metricSum(
  page: string,
  name: string,
  wanted: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const line of page.split("\n")) {
    const match = SERIES.exec(line);
    if (match?.[1] !== name) continue;
    const labels = labelsOf(match[2]);
    if (Object.entries(wanted).every(([key, value]) => labels.get(key) === value)) {
      sum += Number(match[3]);
    }
  }
  return sum;
}

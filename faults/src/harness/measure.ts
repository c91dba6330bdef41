// Recovery times are printed, never asserted (a busy 2-core machine is not a
// stopwatch): one `[measure] <what>: <n> ms` line each, as every test of the
// repo prints them, for docs/reliability.md to quote.

/** Prints the time since `startedAt` (performance.now()) and returns it, rounded to ms. */
export function measure(what: string, startedAt: number): number {
  const ms = Math.round(performance.now() - startedAt);
  console.log(`[measure] ${what}: ${ms} ms`);
  return ms;
}

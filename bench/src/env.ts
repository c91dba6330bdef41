// The only reader of process.env in the bench. Sizes have defaults matching the
// brief (DESIGN.md §5); they can be lowered for a quick run.
import { z } from "zod";

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Deployments measured one after the other by `reconcile`. */
  BENCH_RECONCILE_COUNT: int(50),
  /** Out-of-band kills measured by `failure-detection`. */
  BENCH_KILLS: int(20),
  /** Fleet sizes of `fleet-scale`, comma-separated. */
  BENCH_SCALE_SIZES: z
    .string()
    .default("1000,5000,10000")
    .transform((text) => text.split(",").map((part) => Number(part.trim())))
    .pipe(z.array(z.number().int().positive()).min(1)),
  /** Measuring time per fleet size. */
  BENCH_SCALE_SECONDS: int(45),
  /** Devices in KV for `dashboard`. */
  BENCH_DASHBOARD_DEVICES: int(10_000),
  /** Chromium for `dashboard` (the system one; never a downloaded browser). */
  BENCH_CHROMIUM: z.string().default("/usr/bin/chromium"),
});

export type BenchEnv = z.output<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): BenchEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid bench environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

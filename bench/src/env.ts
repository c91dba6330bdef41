// The only reader of process.env in the bench, resolved by @fleet/runtime so a
// bad value is named with its variable. Sizes have defaults matching the brief
// (DESIGN.md §5); they can be lowered for a quick run.
import { logLevelSchema, resolveConfig, type ConfigValues, type Setting } from "@fleet/runtime";
import { z } from "zod";

const COUNT_RULE = "must be a whole number above 0";
const count = z.coerce.number({ error: COUNT_RULE }).int(COUNT_RULE).positive(COUNT_RULE);
const sizes = z
  .string()
  .transform((text) => text.split(",").map((part) => Number(part.trim())))
  .pipe(z.array(z.number().int().positive()).min(1));

/** Each setting is read from the variable of its own name. */
const SETTINGS = {
  LOG_LEVEL: { env: "LOG_LEVEL", schema: logLevelSchema, default: "info" },
  /** Deployments measured one after the other by `reconcile`. */
  BENCH_RECONCILE_COUNT: { env: "BENCH_RECONCILE_COUNT", schema: count, default: 50 },
  /** Out-of-band kills measured by `failure-detection`. */
  BENCH_KILLS: { env: "BENCH_KILLS", schema: count, default: 20 },
  /** Fleet sizes of `fleet-scale`, comma-separated. */
  BENCH_SCALE_SIZES: { env: "BENCH_SCALE_SIZES", schema: sizes, default: "1000,5000,10000" },
  /** Fleet sizes of `fleet-selector` (Device CRs), comma-separated; run in ascending order. */
  BENCH_SELECTOR_SIZES: {
    env: "BENCH_SELECTOR_SIZES",
    schema: sizes,
    default: "10000,25000,50000",
  },
  /** Devices relabelled at once by `fleet-selector` at each size. */
  BENCH_RELABEL_DEVICES: { env: "BENCH_RELABEL_DEVICES", schema: count, default: 1000 },
  /** Requests in flight while `fleet-selector` creates or relabels Device CRs. */
  BENCH_DEVICE_CONCURRENCY: { env: "BENCH_DEVICE_CONCURRENCY", schema: count, default: 64 },
  /** When set, fleet-selector's operators write V8 CPU profiles (--cpu-prof) into this folder. */
  BENCH_OPERATOR_CPU_PROFILE_DIR: {
    env: "BENCH_OPERATOR_CPU_PROFILE_DIR",
    schema: z.string().min(1).optional(),
  },
  /** When set, fleet-selector's first operator writes a heap snapshot here after its size is measured. */
  BENCH_OPERATOR_HEAP_SNAPSHOT_DIR: {
    env: "BENCH_OPERATOR_HEAP_SNAPSHOT_DIR",
    schema: z.string().min(1).optional(),
  },
  /** Extra node flags for fleet-selector's operators (space-separated), e.g. "--max-old-space-size=256". */
  BENCH_OPERATOR_NODE_FLAGS: {
    env: "BENCH_OPERATOR_NODE_FLAGS",
    schema: z.string().transform((text) => text.split(" ").filter((flag) => flag !== "")),
    default: "",
  },
  /** Simulated devices of `rollout` (one Deployment, revision 1 → 2 in 4 batches). */
  BENCH_ROLLOUT_DEVICES: { env: "BENCH_ROLLOUT_DEVICES", schema: count, default: 1000 },
  /** How long a simulated device of `rollout` takes to run a new revision (±50 %), in ms. */
  BENCH_ROLLOUT_UPDATE_MS: { env: "BENCH_ROLLOUT_UPDATE_MS", schema: count, default: 1000 },
  /** Measuring time per fleet size (fleet-scale and fleet-selector). */
  BENCH_SCALE_SECONDS: { env: "BENCH_SCALE_SECONDS", schema: count, default: 45 },
  /** Devices in KV for `dashboard`. */
  BENCH_DASHBOARD_DEVICES: { env: "BENCH_DASHBOARD_DEVICES", schema: count, default: 10_000 },
  /** Heartbeats timed put → screen by `dashboard` (p99 needs more than a handful). */
  BENCH_DASHBOARD_HEARTBEATS: { env: "BENCH_DASHBOARD_HEARTBEATS", schema: count, default: 50 },
  /** Devices connected one by one (callout and nkey floor) by `auth-callout`. */
  BENCH_CALLOUT_CONNECTS: { env: "BENCH_CALLOUT_CONNECTS", schema: count, default: 100 },
  /** Devices provisioned and reconnected at once by `auth-callout`'s storm. */
  BENCH_STORM_DEVICES: { env: "BENCH_STORM_DEVICES", schema: count, default: 1000 },
  /** Reconnect storms (nats-server restarts) per side of `auth-callout`. */
  BENCH_STORM_ROUNDS: { env: "BENCH_STORM_ROUNDS", schema: count, default: 3 },
  /** How long `soak` churns, in minutes; `--minutes` on the command line wins. */
  BENCH_SOAK_MINUTES: { env: "BENCH_SOAK_MINUTES", flag: "minutes", schema: count, default: 30 },
  /** Deployments churned by `soak`. */
  BENCH_SOAK_DEPLOYMENTS: { env: "BENCH_SOAK_DEPLOYMENTS", schema: count, default: 20 },
  /** Simulated devices of `soak` (beside its one real agent). */
  BENCH_SOAK_DEVICES: { env: "BENCH_SOAK_DEVICES", schema: count, default: 200 },
  /** Seconds between two churn operations of `soak`. */
  BENCH_SOAK_CHURN_SECONDS: { env: "BENCH_SOAK_CHURN_SECONDS", schema: count, default: 3 },
  /** Seconds between two samples of `soak` (RSS, fds, event-loop lag). */
  BENCH_SOAK_SAMPLE_SECONDS: { env: "BENCH_SOAK_SAMPLE_SECONDS", schema: count, default: 10 },
  /** Chromium for `dashboard` (the system one; never a downloaded browser). */
  BENCH_CHROMIUM: {
    env: "BENCH_CHROMIUM",
    schema: z.string().min(1),
    default: "/usr/bin/chromium",
  },
} satisfies Record<string, Setting>;

export type BenchEnv = ConfigValues<typeof SETTINGS>;

/** Flag values by setting key (commander's options, e.g. `--minutes` as BENCH_SOAK_MINUTES). */
export type BenchFlags = Partial<Record<keyof typeof SETTINGS, string | undefined>>;

/** Throws a ConfigError naming every bad variable or flag. */
export function readEnv(source: NodeJS.ProcessEnv = process.env, flags: BenchFlags = {}): BenchEnv {
  return resolveConfig(SETTINGS, { env: source, flags });
}

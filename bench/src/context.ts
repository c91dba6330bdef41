// What every benchmark gets: the platform connection, the real clients, a
// logger, and a way to register cleanup that runs even when a benchmark fails.
import type { PlatformConnection } from "@fleet/local-platform/testing";
import type { Cluster } from "./cluster.js";
import type { BenchEnv } from "./env.js";
import type { Buckets } from "./kv.js";
import type { Logger } from "./logger.js";
import type { Podman } from "./podman.js";
import type { Figure } from "./stats.js";

export interface BenchContext {
  env: BenchEnv;
  connection: PlatformConnection;
  cluster: Cluster;
  podman: Podman;
  kv: Buckets;
  logger: Logger;
  /** Runs at the end of the benchmark, last registered first. */
  defer(cleanup: () => Promise<void>): void;
}

export type Benchmark = (context: BenchContext) => Promise<Figure[]>;

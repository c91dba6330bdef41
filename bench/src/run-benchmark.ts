// Runs one benchmark with fresh clients, always running its cleanups (last
// registered first), and records the machine's state before and after.
import { platformConnection } from "@fleet/local-platform/testing";
import { Cluster } from "./cluster.js";
import type { Benchmark, BenchContext } from "./context.js";
import type { BenchEnv } from "./env.js";
import { CheckFailedError } from "./errors.js";
import { openBuckets } from "./kv.js";
import type { Logger } from "./logger.js";
import { describeMachine } from "./machine.js";
import { Podman } from "./podman.js";
import type { BenchRun } from "./report.js";

export async function runBenchmark(
  name: string,
  benchmark: Benchmark,
  env: BenchEnv,
  logger: Logger,
): Promise<BenchRun> {
  const connection = await platformConnection();
  const cleanups: (() => Promise<void>)[] = [];
  const podman = new Podman(connection.podmanSocket);
  const kv = await openBuckets(connection);
  const ctx: BenchContext = {
    env,
    connection,
    cluster: await Cluster.connect(),
    podman,
    kv,
    logger: logger.child({ benchmark: name }),
    defer: (cleanup) => cleanups.push(cleanup),
  };
  const startedAt = new Date().toISOString();
  const machineBefore = await describeMachine();
  const t0 = performance.now();
  const run: BenchRun = {
    benchmark: name,
    startedAt,
    durationSeconds: 0,
    machineBefore,
    machineAfter: machineBefore,
    figures: [],
  };
  try {
    run.figures = await benchmark(ctx);
  } catch (error) {
    if (error instanceof CheckFailedError) run.figures = error.figures;
    run.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    ctx.logger.error({ err: error }, "benchmark failed");
  } finally {
    run.durationSeconds = Math.round((performance.now() - t0) / 1000);
    run.machineAfter = await describeMachine();
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => {
        ctx.logger.warn({ err: error }, "cleanup failed");
      });
    }
    await kv.close();
    await podman.close();
  }
  return run;
}

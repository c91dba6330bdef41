// npm run bench [-- <name>...]: brings up the local platform instance, runs the
// benchmarks, prints JSON figures and tables, saves bench/results/<date>.json,
// and stops only the servers it started.
import { Command } from "commander";
import { BENCHMARKS, ON_REQUEST } from "./benchmarks/index.js";
import { readEnv } from "./env.js";
import { BenchError } from "./errors.js";
import { createLogger } from "./logger.js";
import { platformUp } from "./platform.js";
import { printFigures, printTable, saveRun } from "./report.js";
import { runBenchmark } from "./run-benchmark.js";

const program = new Command("bench")
  .description("Fleet benchmarks (DESIGN.md §5), each figure beside its floor")
  .argument(
    "[names...]",
    `benchmarks to run (${Object.keys(BENCHMARKS).join(", ")}); all but ${[...ON_REQUEST].join(", ")} if none`,
  )
  .option("--minutes <n>", "soak: minutes of churn (default 30, or BENCH_SOAK_MINUTES)")
  .action(async (names: string[], options: { minutes?: string }) => {
    const env = readEnv(undefined, { BENCH_SOAK_MINUTES: options.minutes });
    const logger = createLogger(env.LOG_LEVEL);
    const unknown = names.filter((n) => !(n in BENCHMARKS));
    if (unknown.length > 0) {
      throw new BenchError(
        `unknown benchmark ${unknown.map((n) => `"${n}"`).join(", ")} (one of: ${Object.keys(BENCHMARKS).join(", ")})`,
      );
    }
    const selected =
      names.length > 0 ? names : Object.keys(BENCHMARKS).filter((n) => !ON_REQUEST.has(n));
    const stopPlatform = await platformUp(logger);
    let failed = false;
    try {
      for (const name of selected) {
        const benchmark = BENCHMARKS[name];
        if (benchmark === undefined) continue;
        logger.info(`running ${name}`);
        const run = await runBenchmark(name, benchmark, env, logger);
        printFigures(run.figures);
        printTable(name, run.figures);
        if (run.error !== undefined) {
          failed = true;
          process.stdout.write(`${name} failed: ${run.error}\n`);
        }
        logger.info({ file: await saveRun(run) }, `${name} done in ${run.durationSeconds} s`);
      }
    } finally {
      await stopPlatform();
    }
    process.exitCode = failed ? 1 : 0;
  });

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}

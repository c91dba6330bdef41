// `npm run demo`: the whole platform on this machine, then a hand-off menu;
// waits for Ctrl-C and tears everything down. `--auto` runs the journey instead.
import { Command, InvalidArgumentError } from "commander";
import {
  consoleProgress,
  isPlatformError,
  layoutFor,
  readPlatformEnv,
} from "@fleet/local-platform";
import { handoffMenu } from "./handoff.js";
import { runJourney } from "./journey.js";
import { startStack, stopStack, type Stack } from "./stack.js";

function deviceCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50)
    throw new InvalidArgumentError("a whole number from 1 to 50");
  return n;
}

const options = new Command("demo")
  .description(
    "Bring the whole fleet platform up on this machine and hand it over (or, with --auto, test it).",
  )
  .option(
    "--auto",
    "run the journey (apply, upgrade, kill, delete) and exit non-zero on the first failed step",
  )
  .option("--devices <n>", "how many simulated devices (agents) to start", deviceCount, 1)
  .showHelpAfterError()
  .parse()
  .opts<{ auto?: boolean; devices: number }>();

const layout = layoutFor(readPlatformEnv());
const progress = consoleProgress("demo");
let stack: Stack | undefined;

async function teardown(): Promise<void> {
  if (!stack) return;
  const current = stack;
  stack = undefined;
  await stopStack(current, layout, progress);
}

try {
  stack = await startStack(layout, progress, options.devices);
  if (options.auto === true) {
    const started = Date.now();
    await runJourney(stack, progress);
    progress.info(`journey passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    await teardown();
  } else {
    process.stdout.write(handoffMenu(stack, undefined));
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    process.stdout.write("\n");
    await teardown();
  }
} catch (error) {
  process.stderr.write(
    `demo: ${isPlatformError(error) || !(error instanceof Error) ? String(error) : error.message}\n`,
  );
  await teardown().catch(() => undefined);
  process.exitCode = 1;
}

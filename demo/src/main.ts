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
  .option("--no-dashboard", "do not build and start the web dashboard")
  .showHelpAfterError()
  .parse()
  .opts<{ auto?: boolean; devices: number; dashboard: boolean }>();

const layout = layoutFor(readPlatformEnv());
const progress = consoleProgress("demo");

// Ctrl-C or TERM at any time, also while starting up or during the journey:
// the step in progress ends, then everything started so far is torn down.
const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // `on`, not `once`: tsx relays the terminal's Ctrl-C to this process as a
  // second SIGINT, and an unhandled one would end it before the teardown.
  process.on(signal, () => {
    if (stop.signal.aborted) progress.info(`${signal}: already stopping, please wait`);
    else stop.abort(new Error(`${signal} received: stopping`));
  });
}
const stopRequested = new Promise<void>((resolve) => {
  stop.signal.addEventListener("abort", () => {
    resolve();
  });
});

let stack: Stack | undefined;
let failure: unknown;
try {
  stack = await startStack(layout, progress, {
    devices: options.devices,
    dashboard: options.dashboard,
    logPrefix: "demo",
    signal: stop.signal,
  });
  if (options.auto === true) {
    const started = Date.now();
    await runJourney(stack, progress, stop.signal);
    progress.info(`journey passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  } else {
    process.stdout.write(handoffMenu(stack));
    await stopRequested;
    process.stdout.write("\n");
    progress.info("stopping everything");
  }
} catch (error) {
  failure = error;
}
// startStack stops what it started when it fails; a started stack is stopped here.
if (stack) await stopStack(stack, layout, progress).catch((error: unknown) => (failure ??= error));

function describe(error: unknown): string {
  // A platform error's name says which part failed ("PortInUseError: …").
  if (isPlatformError(error)) return error.toString();
  return error instanceof Error ? error.message : JSON.stringify(error);
}

if (failure !== undefined && stop.signal.aborted) {
  // Interrupted: whatever failed after the signal is a consequence, not the news.
  progress.info("interrupted; everything the demo had started is stopped");
  process.exitCode = 130;
} else if (failure !== undefined) {
  process.stderr.write(`demo: ${describe(failure)}\n`);
  process.exitCode = 1;
}

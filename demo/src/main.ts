// `npm run demo`: the whole platform on this machine, then a hand-off menu;
// waits for Ctrl-C and tears everything down. `--auto` runs the journey instead.
// Whatever ends it, it exits non-zero with one line on stderr saying why.
import { Command, InvalidArgumentError } from "commander";
import { deviceIdSchema } from "@fleet/contracts";
import { consoleProgress, layoutFor, readPlatformEnv } from "@fleet/local-platform";
import { handoffMenu } from "./handoff.js";
import { runJourney } from "./journey.js";
import { exitLine } from "./exit-line.js";
import { startStack, stopStack, TeardownFailed, type Stack } from "./stack.js";
import { DemoStopped, stopControl } from "./stop-control.js";

function deviceCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50)
    throw new InvalidArgumentError("a whole number from 1 to 50");
  return n;
}

function devicePrefix(value: string): string {
  // The longest id it makes must be a valid device id.
  const longest = deviceIdSchema.safeParse(`${value}-50`);
  if (!longest.success)
    throw new InvalidArgumentError(longest.error.issues[0]?.message ?? "not a device id");
  return value;
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
  .option(
    "--device-prefix <name>",
    "name the devices <name>-1 … <name>-N (tests use their own, so they never touch another run's containers)",
    devicePrefix,
    "demo-device",
  )
  .showHelpAfterError()
  .parse()
  .opts<{ auto?: boolean; devices: number; dashboard: boolean; devicePrefix: string }>();

const layout = layoutFor(readPlatformEnv());
// Ctrl-C, TERM, HUP, a closed stdout or an app that ends on its own, at any
// time, also while starting up or during the journey: the step in progress
// ends, then everything started so far is torn down.
const stop = stopControl({
  onRepeatedSignal: (signal) => {
    progress.info(`${signal}: already stopping, please wait`);
  },
});
const progress = consoleProgress("demo", { platformDir: layout.root, signal: stop.signal });

let stack: Stack | undefined;
let failure: unknown;
try {
  stack = await startStack(layout, progress, {
    devices: options.devices,
    devicePrefix: options.devicePrefix,
    dashboard: options.dashboard,
    logPrefix: "demo",
    signal: stop.signal,
    onAppExit: (app, how) =>
      stop.stop(new DemoStopped(`${app.name} ended on its own (${how}): see ${app.log}`, 1)),
  });
  if (options.auto === true) {
    const started = Date.now();
    await runJourney(stack, progress, stop.signal);
    progress.info(`journey passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  } else {
    process.stdout.write(handoffMenu(stack));
    await stop.requested;
  }
} catch (error) {
  failure = error;
}
const stopReason: unknown = stop.signal.reason;
if (stopReason instanceof DemoStopped) progress.info(`${stopReason.message}: stopping everything`);
// startStack stops what it started when it fails; a started stack is stopped here.
let teardownFailure: unknown;
if (failure instanceof TeardownFailed) {
  teardownFailure = failure.cause;
  failure = failure.startFailure;
}
if (stack)
  await stopStack(stack, layout, progress).catch((error: unknown) => (teardownFailure = error));

const ending = exitLine({
  ...(stopReason instanceof DemoStopped && { stopReason }),
  failure,
  teardownFailure,
});
if (ending) {
  process.stderr.write(`${ending.line}\n`);
  process.exitCode = ending.exitCode;
}

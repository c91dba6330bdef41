// Why the demo stops, wherever the reason comes from: Ctrl-C, TERM or HUP; a
// closed stdout or stderr (`npm run demo | head -1`: without a handler the next
// write would crash the demo before its teardown); or one of its apps ending on
// its own. The first reason aborts one signal, which ends the step in progress
// and leads to the teardown; later ones change nothing.

/** The reason the demo stopped, and the exit code that says so to a shell. */
export class DemoStopped extends Error {
  override readonly name = "DemoStopped";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** 128 + the signal's number, as a shell reports a process that a signal ended. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
/** As if SIGPIPE had ended it (Node ignores SIGPIPE and reports EPIPE instead). */
const CLOSED_OUTPUT_EXIT_CODE = 141;
/** One Ctrl-C arrives twice (from the terminal, and relayed by npm): only a later one is news. */
const REPEAT_QUIET_MS = 1000;

export interface StopControl {
  signal: AbortSignal;
  /** Settles with the first reason. */
  requested: Promise<DemoStopped>;
  /** Requests the stop; false if it was already requested. */
  stop(reason: DemoStopped): boolean;
}

export interface StopSources {
  /** Told when a signal arrives while the demo is already stopping. */
  onRepeatedSignal?: (signal: string) => void;
  process?: NodeJS.Process;
}

export function stopControl(sources: StopSources = {}): StopControl {
  const host = sources.process ?? process;
  const controller = new AbortController();
  let settle: (reason: DemoStopped) => void = () => undefined;
  const requested = new Promise<DemoStopped>((resolve) => {
    settle = resolve;
  });
  let stoppedAt = 0;
  const stop = (reason: DemoStopped): boolean => {
    if (controller.signal.aborted) return false;
    stoppedAt = Date.now();
    controller.abort(reason);
    settle(reason);
    return true;
  };
  for (const [name, exitCode] of Object.entries(SIGNAL_EXIT_CODES)) {
    // `on`, not `once`: a second Ctrl-C must not end the demo halfway through its teardown.
    host.on(name, () => {
      const first = stop(new DemoStopped(`${name} received`, exitCode));
      if (!first && Date.now() - stoppedAt > REPEAT_QUIET_MS) sources.onRepeatedSignal?.(name);
    });
  }
  for (const [label, stream] of [
    ["stdout", host.stdout],
    ["stderr", host.stderr],
  ] as const) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      stop(
        new DemoStopped(
          `${label} was closed (${error.code ?? error.message})`,
          CLOSED_OUTPUT_EXIT_CODE,
        ),
      );
    });
  }
  return { signal: controller.signal, requested, stop };
}

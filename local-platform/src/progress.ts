// One progress line per step, with its duration, so a user watching a cold
// `up` (which builds servers for minutes) knows what is happening. The lines,
// the running clock and the estimates are set-up's own (scripts/step-progress.mjs),
// so `npm run demo` reads the same from its first step to its last.
import { join } from "node:path";
import {
  createStepProgress,
  DURATIONS_FILE_NAME,
  type StepOptions,
} from "../../scripts/step-progress.mjs";

export type { StepEstimate, StepOptions } from "../../scripts/step-progress.mjs";

export interface Progress {
  step<T>(title: string, work: () => Promise<T>, options?: StepOptions): Promise<T>;
  info(message: string): void;
}

export interface ConsoleProgressOptions {
  /** The platform's folder: long steps remember their duration there for the next estimate. */
  platformDir?: string;
  /** Once aborted (Ctrl-C), a failing step reads "stopped" instead of showing its log. */
  signal?: AbortSignal;
}

export function consoleProgress(
  prefix = "platform",
  options: ConsoleProgressOptions = {},
): Progress {
  return createStepProgress({
    prefix,
    ...(options.platformDir !== undefined && {
      durationsFile: join(options.platformDir, DURATIONS_FILE_NAME),
    }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
}

/** For callers (tests) that want the work but not the chatter. */
export const silentProgress: Progress = {
  step: (_title, work) => work(),
  info: () => undefined,
};

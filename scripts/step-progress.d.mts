// Types of step-progress.mjs (plain JavaScript, so set-up can run it before
// node_modules exists), for the TypeScript that wraps it.

export interface StepEstimate {
  /** Where the step's last duration is remembered. */
  key: string;
  /** Shown until the step has run once on this machine. */
  guessSeconds: number;
}

export interface StepOptions {
  /** Show "~N min" while the step runs. */
  estimate?: StepEstimate;
  /** The step's own log: on failure, its last lines and its path are printed. */
  log?: string;
}

export interface StepProgress {
  step<T>(title: string, work: () => Promise<T>, options?: StepOptions): Promise<T>;
  info(message: string): void;
}

/** Where the lines go: process.stdout, or anything shaped like it. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  destroyed?: boolean;
}

export interface StepProgressOptions {
  prefix: string;
  out?: ProgressOutput;
  /** JSON file of the last duration per estimate key (none: guesses only). */
  durationsFile?: string;
  /** Once aborted, a failing step is reported as stopped, without its log. */
  signal?: AbortSignal;
}

export const DURATIONS_FILE_NAME: string;
export function createStepProgress(options: StepProgressOptions): StepProgress;
export function formatDuration(seconds: number): string;
export function formatEstimate(seconds: number): string;
export function logTail(file: string, lines?: number): string;

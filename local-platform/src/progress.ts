// One progress line per step, with its duration, so a user watching a cold
// `up` (which builds servers for minutes) knows what is happening.
import { performance } from "node:perf_hooks";

export interface Progress {
  step<T>(title: string, work: () => Promise<T>): Promise<T>;
  info(message: string): void;
}

export function consoleProgress(prefix = "platform"): Progress {
  return {
    async step(title, work) {
      const started = performance.now();
      process.stdout.write(`[${prefix}] … ${title}\n`);
      try {
        const result = await work();
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(`[${prefix}] ✓ ${title} (${seconds}s)\n`);
        return result;
      } catch (error) {
        process.stdout.write(`[${prefix}] ✗ ${title}\n`);
        throw error;
      }
    },
    info(message) {
      process.stdout.write(`[${prefix}]   ${message}\n`);
    },
  };
}

/** For callers (tests) that want the work but not the chatter. */
export const silentProgress: Progress = {
  step: (_title, work) => work(),
  info: () => undefined,
};

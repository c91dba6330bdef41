// The one line on stderr that says why the demo ended, and its exit code.
import { isPlatformError } from "@fleet/local-platform";
import type { DemoStopped } from "./stop-control.js";

export interface DemoEnding {
  /** Why it was stopped (a signal, a closed stdout, an app that ended), if it was. */
  stopReason?: DemoStopped;
  /** What failed during start-up or the journey, if anything did. */
  failure?: unknown;
  /** What failed while tearing down, if anything did. */
  teardownFailure?: unknown;
}

function describe(error: unknown): string {
  // A platform error's name says which part failed ("PortInUseError: …").
  if (isPlatformError(error)) return error.toString();
  return error instanceof Error ? error.message : JSON.stringify(error);
}

/** Undefined when the demo ended as asked (`--auto` passed); else the line and a non-zero code. */
export function exitLine(ending: DemoEnding): { line: string; exitCode: number } | undefined {
  const { stopReason, failure, teardownFailure } = ending;
  // Once stopped, whatever failed next is a consequence of the stop, not the news.
  const why = stopReason
    ? `stopped (${stopReason.message})`
    : failure !== undefined
      ? describe(failure)
      : undefined;
  if (why === undefined && teardownFailure === undefined) return undefined;
  const teardown =
    teardownFailure !== undefined
      ? `teardown failed: ${describe(teardownFailure)}`
      : stopReason
        ? "everything it started is stopped"
        : undefined;
  return {
    line: `demo: ${[why, teardown].filter((part) => part !== undefined).join("; ")}`,
    exitCode: stopReason?.exitCode ?? 1,
  };
}

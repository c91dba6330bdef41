// Turns a container's exit into words a person can act on: the exit code,
// and the signal when the code says one killed it (128 + n).
import { constants } from "node:os";

export interface ExitInfo {
  exitCode: number;
  oomKilled?: boolean | undefined;
  /** podman's own error, e.g. when the start itself failed. */
  error?: string | undefined;
}

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

export function signalOf(exitCode: number): string | undefined {
  return exitCode > 128 ? SIGNAL_NAMES.get(exitCode - 128) : undefined;
}

export function describeExit(info: ExitInfo): string {
  const parts: string[] = [];
  if (info.oomKilled === true) {
    parts.push(`was killed for running out of memory (exit code ${info.exitCode})`);
  } else {
    const signal = signalOf(info.exitCode);
    parts.push(`exited with code ${info.exitCode}${signal === undefined ? "" : ` (${signal})`}`);
  }
  if (info.error !== undefined && info.error !== "") parts.push(`podman: ${info.error}`);
  return parts.join("; ");
}

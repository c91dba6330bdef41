// The stack's own app processes (operator, agents, dashboard): children that log
// to files and stop with the stack, unlike the detached platform servers.
import { execa } from "execa";
import { inheritedEnvironment, REPO_ROOT } from "@fleet/local-platform";

/** A started app: where it logs, how to end it (waiting for its exit), and when it ended. */
export interface RunningApp {
  name: string;
  log: string;
  stop(): Promise<void>;
  /** Settles when the process ends, however it ends, with how ("exit code 1", "signal SIGKILL"). */
  exited: Promise<string>;
}

/**
 * Starts `node --import tsx <script> ...args` (`script`: the app's bin, resolved
 * from its package, e.g. `@fleet/operator/bin`): no wrapper (the tsx CLI would
 * SIGKILL an app that is slow to acknowledge a signal), and in a process group
 * of its own, so a terminal's Ctrl-C reaches only the demo, which stops the
 * apps in order: apps, then their containers, then the servers.
 */
export function startApp(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: string,
): RunningApp {
  const child = execa(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: REPO_ROOT,
    env: { ...inheritedEnvironment(), ...env },
    stdout: { file: log, append: true },
    stderr: { file: log, append: true },
    detached: true,
    reject: false,
    forceKillAfterDelay: 10_000,
  });
  return {
    name,
    log,
    exited: child.then((result) =>
      result.signal ? `signal ${result.signal}` : `exit code ${String(result.exitCode)}`,
    ),
    // SIGTERM, then wait for the exit (execa escalates to SIGKILL after 10 s).
    stop: async () => {
      child.kill("SIGTERM");
      await child;
    },
  };
}

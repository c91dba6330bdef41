// The stack's own app processes (operator, agents, dashboard): children that log
// to files and stop with the stack, unlike the detached platform servers.
import { join } from "node:path";
import { execa } from "execa";
import { inheritedEnvironment, REPO_ROOT } from "@fleet/local-platform";

/** A started app: where it logs, and how to end it (waiting for its exit). */
export interface RunningApp {
  name: string;
  log: string;
  stop(): Promise<void>;
}

/** A started child process: also says when, and how, it ended. */
export interface ChildApp extends RunningApp {
  /** Settles when the process ends, with how it ended ("exit code 1", "signal SIGINT"). */
  exited: Promise<string>;
}

/** Starts `node --import tsx <script> ...args` (no wrapper, so signals reach the app). */
export function startApp(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: string,
): ChildApp {
  const child = execa(process.execPath, ["--import", "tsx", join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...inheritedEnvironment(), ...env },
    stdout: { file: log, append: true },
    stderr: { file: log, append: true },
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

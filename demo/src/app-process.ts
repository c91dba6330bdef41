// The demo's own app processes (operator, agents, dashboard): children of the
// demo that log to files and stop with it, unlike the detached platform servers.
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { inheritedEnvironment, REPO_ROOT } from "@fleet/local-platform";

export interface AppProcess {
  name: string;
  log: string;
  child: ResultPromise;
}

/** Starts `node --import tsx <script> ...args` (no wrapper, so signals reach the app). */
export function startApp(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
): AppProcess {
  const log = join(logDir, `demo-${name}.log`);
  const child = execa(process.execPath, ["--import", "tsx", join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...inheritedEnvironment(), ...env },
    stdout: { file: log, append: true },
    stderr: { file: log, append: true },
    reject: false,
    forceKillAfterDelay: 10_000,
  });
  return { name, log, child };
}

/** SIGTERM, then wait for the exit (execa escalates to SIGKILL after 10 s). */
export async function stopApp(app: AppProcess): Promise<void> {
  app.child.kill("SIGTERM");
  await app.child;
}

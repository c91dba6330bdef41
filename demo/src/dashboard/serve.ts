// Serves the production build (`next start`) against a running local platform,
// as its own process group: Ctrl-C in a terminal does not reach it, and stop()
// ends exactly that group.
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";
import {
  dashboardEnvironment,
  inheritedEnvironment,
  waitUntil,
  type DashboardOverrides,
  type PlatformConnection,
} from "@fleet/local-platform";
import { REPO_ROOT, WEB_DIR } from "./paths.js";

export interface DashboardServer {
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
  /** Settles when `next start` ends, however it ends, with how ("exit code 1", "signal SIGKILL"). */
  exited: Promise<string>;
}

export interface ServeOptions extends DashboardOverrides {
  port: number;
  logFile: string;
  /** How long to wait for the first 200 from `/`. */
  timeoutMs?: number;
}

export async function serveDashboard(
  connection: PlatformConnection,
  options: ServeOptions,
): Promise<DashboardServer> {
  const log = openSync(options.logFile, "a");
  const child = spawn(
    join(REPO_ROOT, "node_modules", ".bin", "next"),
    ["start", "--port", String(options.port)],
    {
      cwd: WEB_DIR,
      env: {
        ...inheritedEnvironment(),
        ...dashboardEnvironment(connection, options),
        NODE_ENV: "production",
      },
      detached: true,
      stdio: ["ignore", log, log],
    },
  );
  const { pid } = child;
  if (pid === undefined) throw new Error("could not start the dashboard (next start)");
  let exited = false;
  const exit = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      resolve(signal ? `signal ${signal}` : `exit code ${String(code)}`);
    });
  });
  const stop = async (): Promise<void> => {
    if (exited) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return; // The group is already gone.
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Gone in the meantime.
      }
    }, 10_000);
    await exit;
    clearTimeout(killer);
  };
  const url = `http://localhost:${options.port}`;
  const ready = waitUntil(async () => (await fetch(url).catch(() => undefined))?.status === 200, {
    what: `dashboard on ${url}`,
    timeoutMs: options.timeoutMs ?? 60_000,
    hint: `see ${options.logFile}`,
  });
  const exitedEarly = exit.then(() => {
    throw new Error(`next start exited before answering on ${url}: see ${options.logFile}`);
  });
  try {
    await Promise.race([ready, exitedEarly]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    exitedEarly.catch(() => undefined); // Settles (or never does) after the race; not an error then.
  }
  return { url, pid, logFile: options.logFile, stop, exited: exit };
}

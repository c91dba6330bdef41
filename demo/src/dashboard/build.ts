// Build the dashboard once: a hash of everything the build reads is kept next to
// the output, and a matching hash skips the (minutes-long) production build.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, openSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { inheritedEnvironment } from "@fleet/local-platform";
import { REPO_ROOT, WEB_DIR } from "./paths.js";

const INPUTS = [
  "apps/web/src",
  "apps/web/next.config.ts",
  "apps/web/package.json",
  "apps/web/postcss.config.mjs",
  "apps/web/tsconfig.json",
  "packages/ui/src",
  "packages/contracts/src",
  "packages/kube/src",
  "packages/runtime/src",
  "package-lock.json",
];
const stampFile = join(WEB_DIR, ".next", "fleet-build-inputs.sha256");

async function files(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return [path];
  const nested = await Promise.all(entries.map((e) => files(join(path, e.name))));
  return nested.flat();
}

async function inputsHash(): Promise<string> {
  const hash = createHash("sha256");
  const all = (await Promise.all(INPUTS.map((p) => files(join(REPO_ROOT, p))))).flat().sort();
  for (const file of all) {
    hash.update(relative(REPO_ROOT, file));
    hash.update(await readFile(file));
  }
  return hash.digest("hex");
}

function runBuild(logFile: string | undefined, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  const out = logFile === undefined ? "inherit" : openSync(logFile, "a");
  // Its own process group: a terminal's Ctrl-C reaches only the caller, and an
  // abort ends npm, next and next's workers together.
  const child = spawn("npm", ["run", "-s", "build", "-w", "@fleet/web"], {
    cwd: REPO_ROOT,
    env: inheritedEnvironment(),
    stdio: ["ignore", out, out],
    detached: true,
  });
  const stopGroup = (): void => {
    if (child.pid === undefined || child.exitCode !== null) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  signal?.addEventListener("abort", stopGroup, { once: true });
  return new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, exitSignal) => {
      signal?.removeEventListener("abort", stopGroup);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `next build failed (${exitSignal ?? `exit code ${String(code)}`})${logFile === undefined ? "" : `: see ${logFile}`}`,
          ),
        );
    });
  });
}

export interface DashboardBuild {
  /** The last build had these very inputs: `run` does nothing. */
  upToDate: boolean;
  /**
   * Runs `next build` (output to `logFile` when given, else this terminal)
   * unless up to date; aborting `signal` stops it.
   */
  run(options?: { logFile?: string; signal?: AbortSignal }): Promise<void>;
}

/** Hashes the build's inputs once and says whether `next build` is needed. */
export async function planDashboardBuild(): Promise<DashboardBuild> {
  const hash = await inputsHash();
  const upToDate = existsSync(stampFile) && (await readFile(stampFile, "utf8")) === hash;
  return {
    upToDate,
    run: async (options = {}) => {
      if (upToDate) return;
      await runBuild(options.logFile, options.signal);
      await writeFile(stampFile, hash);
    },
  };
}

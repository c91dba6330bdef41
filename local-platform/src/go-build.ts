// One `go build` of a pinned module's main packages, its output in a log file
// (hundreds of "go: downloading" lines on a cold machine belong there, not on
// the screen). Several packages in one invocation share its compile graph and
// link in parallel. It runs as its own process group, so a terminal's Ctrl-C
// reaches only the caller, which stops it (and the compilers it started) on abort.
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync } from "node:fs";
import { basename, join } from "node:path";
import { PlatformError } from "./errors.js";

export interface GoBuild {
  go: string;
  /** Folder with the go.mod that pins the packages. */
  moduleDir: string;
  /** Output binary name → main package. */
  binaries: Record<string, string>;
  ldflags: readonly string[];
  outDir: string;
  log: string;
  signal?: AbortSignal;
}

export function goBuildArgs(build: Pick<GoBuild, "binaries" | "ldflags" | "outDir">): string[] {
  const entries = Object.entries(build.binaries);
  const [only] = entries;
  // One package: name its file (etcd's main package is ".../server/v3").
  // Several: go names each binary after its package, into the folder.
  const output = entries.length === 1 && only ? join(build.outDir, only[0]) : `${build.outDir}/`;
  return [
    "build",
    "-trimpath",
    "-ldflags",
    ["-s", "-w", ...build.ldflags].join(" "),
    "-o",
    output,
    ...entries.map(([, pkg]) => pkg),
  ];
}

export async function runGoBuild(build: GoBuild): Promise<void> {
  build.signal?.throwIfAborted();
  const out = openSync(build.log, "w");
  const child = spawn(build.go, goBuildArgs(build), {
    cwd: build.moduleDir,
    detached: true,
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  const stopGroup = (): void => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };
  build.signal?.addEventListener("abort", stopGroup, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) => {
        if (code === 0) resolve();
        // Killed on purpose: the abort's reason is the news, not the kill.
        else if (build.signal?.aborted) reject(build.signal.reason as Error);
        else
          reject(
            new PlatformError(
              `go build in ${basename(build.moduleDir)} failed (${signal ?? `exit code ${String(code)}`}): see ${build.log}`,
            ),
          );
      });
    });
  } finally {
    build.signal?.removeEventListener("abort", stopGroup);
  }
  build.signal?.throwIfAborted();
  const absent = Object.keys(build.binaries).filter(
    (name) => !existsSync(join(build.outDir, name)),
  );
  if (absent.length > 0)
    throw new PlatformError(
      `go build in ${basename(build.moduleDir)} did not produce ${absent.join(", ")}`,
    );
}

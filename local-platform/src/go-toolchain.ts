// Finds a Go toolchain recent enough to build the pinned servers.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { resolveCommand } from "./commands.js";
import { REPO_ROOT } from "./env.js";
import { PlatformError } from "./errors.js";

/** helm v4.3's go.mod needs Go 1.26 (Kubernetes 1.35's needs 1.25). */
const MIN_MINOR = 26;

/** The last one is where `npm run setup` puts a toolchain fetched from the Go module proxy. */
const FALLBACKS = [
  "/usr/local/go/bin/go",
  join(REPO_ROOT, ".local-platform", "toolchain", "go", "bin", "go"),
];

/** "go1.26.8": part of every build stamp, so a new toolchain rebuilds. */
export async function goVersionOf(go: string): Promise<string> {
  return (await execa(go, ["env", "GOVERSION"])).stdout.trim();
}

async function recentEnough(go: string): Promise<boolean> {
  const result = await execa(go, ["env", "GOVERSION"], { reject: false });
  const [major, minor] = result.stdout.trim().replace(/^go/, "").split(".").map(Number);
  return result.exitCode === 0 && major === 1 && (minor ?? 0) >= MIN_MINOR;
}

export async function findGo(): Promise<string> {
  const onPath = await resolveCommand("go");
  const candidates = [...(onPath ? [onPath] : []), ...FALLBACKS.filter((path) => existsSync(path))];
  for (const go of candidates) {
    if (await recentEnough(go)) return go;
  }
  throw new PlatformError(
    `no Go toolchain >= 1.${MIN_MINOR} found (looked at ${candidates.join(", ") || "PATH"}); \`npm run setup\` fetches one`,
  );
}

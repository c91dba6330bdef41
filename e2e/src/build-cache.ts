// Build the dashboard once: a hash of everything the build reads is kept next to
// the output, and a matching hash skips the (minutes-long) production build.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { execa } from "execa";
import { REPO_ROOT, WEB_DIR } from "./paths";

const INPUTS = [
  "apps/web/src",
  "apps/web/next.config.ts",
  "apps/web/package.json",
  "apps/web/postcss.config.mjs",
  "apps/web/tsconfig.json",
  "packages/ui/src",
  "packages/contracts/src",
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

/** Runs `next build` unless the last build had the same inputs. Returns whether it built. */
export async function buildDashboardIfChanged(): Promise<boolean> {
  const hash = await inputsHash();
  if (existsSync(stampFile) && (await readFile(stampFile, "utf8")) === hash) return false;
  await execa("npm", ["run", "-s", "build", "-w", "@fleet/web"], {
    cwd: REPO_ROOT,
    stdout: "inherit",
    stderr: "inherit",
  });
  await writeFile(stampFile, hash);
  return true;
}

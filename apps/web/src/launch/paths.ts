// Where the dashboard's sources and build live, for the launchers below
// (they run under tsx from the demo, the e2e suite and the benchmarks).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const REPO_ROOT = join(WEB_DIR, "..", "..");

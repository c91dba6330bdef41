import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const E2E_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_ROOT = join(E2E_DIR, "..");
export const WEB_DIR = join(REPO_ROOT, "apps", "web");
export const ARTIFACTS_DIR = join(E2E_DIR, "artifacts");

// Where the dashboard's sources and build live, found through its package
// (@fleet/web), for the launchers beside this file.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { REPO_ROOT } from "@fleet/local-platform";

export const WEB_DIR = dirname(createRequire(import.meta.url).resolve("@fleet/web/package.json"));
export { REPO_ROOT };

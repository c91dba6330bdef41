// Finds the Go toolchain used to build the pinned servers.
import { existsSync } from "node:fs";
import { resolveCommand } from "./commands.js";
import { PlatformError } from "./errors.js";

const FALLBACKS = ["/usr/local/go/bin/go", "/usr/lib/go/bin/go"];

export async function findGo(): Promise<string> {
  const onPath = await resolveCommand("go");
  if (onPath) return onPath;
  const found = FALLBACKS.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new PlatformError(
    "the Go toolchain (>= 1.25) is needed to build the local servers; install it from https://go.dev/doc/install",
  );
}

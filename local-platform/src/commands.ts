// Resolves system commands to absolute paths: pid files record the absolute
// path, which is how `down` tells our process from an unrelated one.
import { execa } from "execa";
import { PlatformError } from "./errors.js";

export async function resolveCommand(name: string): Promise<string | undefined> {
  const result = await execa("sh", ["-c", `command -v ${name}`], { reject: false });
  const path = result.stdout.trim();
  return result.exitCode === 0 && path.startsWith("/") ? path : undefined;
}

export async function requireCommand(name: string, installHint: string): Promise<string> {
  const path = await resolveCommand(name);
  if (!path) throw new PlatformError(`${name} is not installed; ${installHint}`);
  return path;
}

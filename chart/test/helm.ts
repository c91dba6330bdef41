// Runs the helm binary the local platform built from its Go module (and kubectl
// beside it), against this chart. Values go in as a JSON file, which Helm reads
// like any values file, so tests never write YAML.
import { layoutFor, readPlatformEnv } from "@fleet/local-platform";
import { execa } from "execa";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CHART_DIR: string = fileURLToPath(new URL("..", import.meta.url));
export const REPO_ROOT: string = fileURLToPath(new URL("../..", import.meta.url));

export type Values = Record<string, unknown>;

export interface CommandResult {
  exitCode: number;
  /** stdout and stderr interleaved, for assertions on messages. */
  all: string;
  stdout: string;
}

const binDir = (): string => layoutFor(readPlatformEnv()).binDir;

/** Runs a binary of the platform's bin dir; never throws on a non-zero exit. */
export async function runTool(
  tool: "helm" | "kubectl",
  args: readonly string[],
  input?: string,
): Promise<CommandResult> {
  const result = await execa(join(binDir(), tool), args, {
    reject: false,
    all: true,
    ...(input === undefined ? {} : { input }),
    // Helm keeps caches and repository config under HOME; keep them out of the user's.
    env: { HELM_CACHE_HOME: join(tmpdir(), "fleet-chart-helm-cache") },
  });
  return { exitCode: result.exitCode ?? -1, all: result.all, stdout: result.stdout };
}

/** Writes values to a temporary JSON file and returns the `-f <file>` arguments. */
export async function valuesArgs(values: Values | undefined): Promise<string[]> {
  if (values === undefined) return [];
  const dir = await mkdtemp(join(tmpdir(), "fleet-chart-values-"));
  const file = join(dir, "values.json");
  await writeFile(file, JSON.stringify(values));
  return ["-f", file];
}

export async function helm(
  args: readonly string[],
  values?: Values,
  input?: string,
): Promise<CommandResult> {
  return runTool("helm", [...args, ...(await valuesArgs(values))], input);
}

/** Like helm(), but a non-zero exit fails with helm's own output. */
export async function helmOk(args: readonly string[], values?: Values): Promise<string> {
  const result = await helm(args, values);
  if (result.exitCode !== 0) {
    throw new Error(`helm ${args.join(" ")} exited ${result.exitCode}:\n${result.all}`);
  }
  return result.stdout;
}

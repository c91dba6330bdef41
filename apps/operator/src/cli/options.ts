// Options and output shared by the CLI's command groups (device, enrollment).
import type { Command } from "commander";

/** commander's accumulator for a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export const kubeOption = (command: Command): Command =>
  command.option(
    "--kubeconfig <path>",
    "kubeconfig file (env KUBECONFIG; default: in-cluster, then ~/.kube/config)",
  );

/** One line on stdout. */
export const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

// Decides whether podman needs the project's containers.conf on this machine.
//
// On some hosts (containers without CAP_SYS_RESOURCE, cgroups v1/hybrid)
// podman's defaults fail: it raises rlimits and crun rejects hybrid cgroups.
// A user's own containers.conf is never touched: where plain podman cannot run
// a container, the platform writes its own file and points CONTAINERS_CONF at
// it for the podman it starts (and prints it in `env` for the user's shell).
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { inheritedEnvironment } from "./env.js";
import { PlatformError } from "./errors.js";
import type { Layout } from "./layout.js";

const CONTAINERS_CONF = `# Written by the fleet local platform because plain podman could not run a
# container on this machine. Used only through CONTAINERS_CONF.
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
`;

export function projectContainersConf(layout: Layout): string {
  return join(layout.podmanDir, "containers.conf");
}

/** The CONTAINERS_CONF value the platform's podman needs, or undefined for the machine's defaults. */
export function containersConfOverride(layout: Layout): string | undefined {
  const file = projectContainersConf(layout);
  return existsSync(file) ? file : undefined;
}

async function canRunContainer(
  image: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; output: string }> {
  const result = await execa(
    "podman",
    ["run", "--rm", "--network=none", image, "/usr/sbin/nginx", "-v"],
    {
      env,
      reject: false,
      all: true,
      timeout: 60_000,
    },
  );
  return { ok: result.exitCode === 0, output: result.all.trim() };
}

/** Probes podman with a local image; writes the project config only if podman needs it. */
export async function ensurePodmanConfig(
  layout: Layout,
  probeImage: string,
): Promise<"machine-defaults" | "project-config"> {
  const file = projectContainersConf(layout);
  await rm(file, { force: true });
  const plain = await canRunContainer(probeImage, {
    ...inheritedEnvironment(),
    CONTAINERS_CONF: undefined,
  });
  if (plain.ok) return "machine-defaults";
  await mkdir(layout.podmanDir, { recursive: true });
  await writeFile(file, CONTAINERS_CONF);
  const withConfig = await canRunContainer(probeImage, {
    ...inheritedEnvironment(),
    CONTAINERS_CONF: file,
  });
  if (withConfig.ok) return "project-config";
  await rm(file, { force: true });
  throw new PlatformError(
    `podman cannot run a container on this machine, with or without ${file}.\n` +
      `  with the machine's config: ${plain.output}\n  with the project's config: ${withConfig.output}`,
  );
}

// A local stand-in for docker.io/library/node:24-bookworm-slim, since nothing
// can be pulled here: Debian 12's libraries and shell from apt packages, the
// Node 24 binary the repo already installs (node_modules/node) and this
// machine's npm. Named under localhost/ (never as the upstream image) and
// rebuilt only when its recipe changes, like the platform's nginx image.
import { execa } from "execa";
import { createHash } from "node:crypto";
import { copyFile, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./helm.js";
import { podman, podmanImport } from "./podman.js";

export const NODE_BASE_IMAGE = "localhost/fleet-node-base:24";
const RECIPE_LABEL = "io.nationtech.fleet.recipe";
/** What node, npm's shebangs, `sh -c` RUN steps and coreutils need on Debian 12. */
const PACKAGES = [
  "libc6",
  "libstdc++6",
  "libgcc-s1",
  "gcc-12-base",
  "dash",
  "coreutils",
  "libacl1",
  "libattr1",
  "libgmp10",
  "libselinux1",
  "libpcre2-8-0",
];

async function recipe(): Promise<string> {
  const { stdout: nodeVersion } = await execa(join(REPO_ROOT, "node_modules/node/bin/node"), [
    "--version",
  ]);
  const { stdout: npmVersion } = await execa("npm", ["--version"]);
  return createHash("sha256")
    .update(JSON.stringify([PACKAGES, nodeVersion, npmVersion]))
    .digest("hex")
    .slice(0, 16);
}

export async function ensureNodeBaseImage(): Promise<string> {
  const wanted = await recipe();
  const have = await podman([
    "image",
    "inspect",
    NODE_BASE_IMAGE,
    "--format",
    `{{index .Labels "${RECIPE_LABEL}"}}`,
  ]).catch(() => "");
  if (have.trim() === wanted) return NODE_BASE_IMAGE;

  const work = await mkdtemp(join(tmpdir(), "fleet-node-base-"));
  const debs = join(work, "debs");
  const rootfs = join(work, "rootfs");
  await mkdir(debs);
  await execa("apt-get", ["download", ...PACKAGES], { cwd: debs });
  for (const deb of await readdir(debs)) await execa("dpkg-deb", ["-x", join(debs, deb), rootfs]);
  const local = join(rootfs, "usr/local");
  await mkdir(join(local, "bin"), { recursive: true });
  await mkdir(join(local, "lib/node_modules"), { recursive: true });
  await copyFile(join(REPO_ROOT, "node_modules/node/bin/node"), join(local, "bin/node"));
  const { stdout: globalRoot } = await execa("npm", ["root", "-g"]);
  await cp(join(globalRoot, "npm"), join(local, "lib/node_modules/npm"), { recursive: true });
  await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(local, "bin/npm"));
  await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(local, "bin/npx"));
  await symlink("dash", join(rootfs, "bin/sh")).catch(() => undefined);
  for (const dir of ["tmp", "root", "home/node"])
    await mkdir(join(rootfs, dir), { recursive: true });
  await execa("chmod", ["1777", join(rootfs, "tmp")]);
  await execa("chown", ["1000:1000", join(rootfs, "home/node")]);
  // The official image's unprivileged user: node, uid and gid 1000.
  await writeFile(
    join(rootfs, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n",
  );
  await writeFile(join(rootfs, "etc/group"), "root:x:0:\nnode:x:1000:\n");
  await podmanImport(
    rootfs,
    [
      "--change",
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "--change",
      'CMD ["node"]',
      "--change",
      `LABEL ${RECIPE_LABEL}=${wanted}`,
    ],
    NODE_BASE_IMAGE,
  );
  await rm(work, { recursive: true, force: true });
  return NODE_BASE_IMAGE;
}

// Builds a real nginx image from Debian's packages into podman under
// localhost/, because nothing can be pulled from a registry here. Two tags
// differ only in the page they serve, so an upgrade is visible over HTTP.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import type { Layout } from "./layout.js";
import type { Progress } from "./progress.js";
import { NGINX_IMAGE, NGINX_TAGS, type NginxTag } from "./versions.js";

/** nginx and the closure of its runtime dependencies on Debian 12. */
const PACKAGES = [
  "nginx",
  "nginx-common",
  "libc6",
  "libcrypt1",
  "libpcre2-8-0",
  "libssl3",
  "zlib1g",
];
const RECIPE_LABEL = "io.nationtech.fleet.recipe";
export const NGINX_CONTAINER_PORT = 80;

function nginxConf(tag: NginxTag): string {
  return `user www-data;
worker_processes 1;
pid /run/nginx.pid;
error_log /dev/stderr warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log /dev/stdout;
  server {
    listen ${NGINX_CONTAINER_PORT};
    root /usr/share/fleet-nginx;
    add_header X-Fleet-Image-Tag "${tag}" always;
    location / { index index.html; }
  }
}
`;
}

function indexHtml(tag: NginxTag): string {
  return `<!doctype html>
<html><head><title>fleet-nginx ${tag}</title></head>
<body><h1>Served by fleet-nginx ${tag}</h1><p>Deployed to this device by the fleet platform.</p></body></html>
`;
}

function recipeHash(tag: NginxTag): string {
  return createHash("sha256")
    .update(JSON.stringify([PACKAGES, nginxConf(tag), indexHtml(tag)]))
    .digest("hex")
    .slice(0, 16);
}

export function nginxImageRef(tag: NginxTag): string {
  return `${NGINX_IMAGE}:${tag}`;
}

async function imageRecipe(ref: string): Promise<string | undefined> {
  const result = await execa(
    "podman",
    ["image", "inspect", ref, "--format", `{{index .Labels "${RECIPE_LABEL}"}}`],
    {
      reject: false,
    },
  );
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

async function downloadPackages(debDir: string): Promise<string[]> {
  await mkdir(debDir, { recursive: true });
  const have = async (): Promise<string[]> =>
    (await readdir(debDir)).filter((f) => f.endsWith(".deb"));
  if ((await have()).length < PACKAGES.length) {
    const download = (): Promise<unknown> =>
      execa("apt-get", ["download", ...PACKAGES], { cwd: debDir });
    try {
      await download();
    } catch {
      // A fresh machine may have no package lists yet.
      await execa("apt-get", ["update", "-qq"]);
      await download();
    }
  }
  return (await have()).map((f) => join(debDir, f));
}

async function buildTag(tag: NginxTag, debs: string[], workDir: string): Promise<void> {
  const rootfs = join(workDir, `rootfs-${tag}`);
  await rm(rootfs, { recursive: true, force: true });
  await mkdir(rootfs, { recursive: true });
  for (const deb of debs) await execa("dpkg-deb", ["-x", deb, rootfs]);
  for (const dir of ["run", "tmp", "var/lib/nginx", "var/log/nginx", "usr/share/fleet-nginx"]) {
    await mkdir(join(rootfs, dir), { recursive: true });
  }
  await writeFile(
    join(rootfs, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\n",
  );
  await writeFile(join(rootfs, "etc/group"), "root:x:0:\nwww-data:x:33:\n");
  await writeFile(join(rootfs, "etc/nginx/nginx.conf"), nginxConf(tag));
  await writeFile(join(rootfs, "usr/share/fleet-nginx/index.html"), indexHtml(tag));
  await execa("tar", ["-C", rootfs, "-c", "."]).pipe("podman", [
    "import",
    "--change",
    'CMD ["/usr/sbin/nginx", "-g", "daemon off;"]',
    "--change",
    `EXPOSE ${NGINX_CONTAINER_PORT}`,
    "--change",
    `LABEL ${RECIPE_LABEL}=${recipeHash(tag)}`,
    "-",
    nginxImageRef(tag),
  ]);
  await rm(rootfs, { recursive: true, force: true });
}

/** Builds every tag whose image is missing or was built from another recipe. */
export async function ensureNginxImages(layout: Layout, progress: Progress): Promise<void> {
  const workDir = join(layout.imagesDir, "nginx");
  for (const tag of NGINX_TAGS) {
    const ref = nginxImageRef(tag);
    if ((await imageRecipe(ref)) === recipeHash(tag)) {
      progress.info(`${ref}: present`);
      continue;
    }
    await progress.step(`build image ${ref} from Debian packages`, async () => {
      const debs = await downloadPackages(join(workDir, "debs"));
      await buildTag(tag, debs, workDir);
    });
  }
}

export function nginxImagesPresent(): Promise<boolean> {
  return Promise.all(NGINX_TAGS.map((tag) => imageRecipe(nginxImageRef(tag)))).then((labels) =>
    labels.every((label, i) => label !== undefined && label === recipeHash(NGINX_TAGS[i] ?? "1.0")),
  );
}

export const nginxWorkDirExists = (layout: Layout): boolean =>
  existsSync(join(layout.imagesDir, "nginx"));

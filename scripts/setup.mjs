#!/usr/bin/env node
// First step of `npm test` and `npm run demo` on any machine, fresh or not.
//
// It runs on whatever Node the machine has (before node_modules exists), so it
// uses only Node's standard library. It makes sure that:
//   1. the system packages the local platform needs are installed (as root it
//      installs them with apt; otherwise it prints the exact command);
//   2. a Go toolchain (>= 1.26) that builds the pinned servers is present,
//      fetched from the Go module proxy where the machine has none;
//   3. node_modules matches package-lock.json (which also brings the project's
//      own Node, pinned in devDependencies, to node_modules/.bin/node).
// The Go server binaries are built later, on demand, by `platform up`.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Debian packages, keyed by the command that proves each one is installed. */
const systemPackages = [
  { command: "podman", pkg: "podman" },
  { command: "runc", pkg: "runc" },
  { command: "chromium", pkg: "chromium" },
  { command: "openssl", pkg: "openssl" },
  { command: "curl", pkg: "curl" },
  { command: "unzip", pkg: "unzip" },
  { command: "dpkg-deb", pkg: "dpkg" },
];

function log(message) {
  process.stdout.write(`setup: ${message}\n`);
}

function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
  }
}

function ensureSystemPackages() {
  const missing = systemPackages.filter((p) => !has(p.command)).map((p) => p.pkg);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    log(
      `missing system packages: ${missing.join(", ")}. Run as root:\n\n  sudo sh -c '${command}'\n`,
    );
    process.exit(1);
  }
  log(`installing system packages: ${missing.join(", ")}`);
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

// The Go toolchain comes from the Go module proxy when the machine has none
// recent enough (distribution packages are often too old for Kubernetes 1.35 and helm 4).
const GO_TOOLCHAIN = "go1.26.8";
const goToolchainDir = join(root, ".local-platform", "toolchain");
const projectGo = join(goToolchainDir, "go", "bin", "go");

function goVersionOf(go) {
  try {
    const version = execFileSync(go, ["env", "GOVERSION"], { encoding: "utf8" }).trim();
    const [major, minor] = version.replace(/^go/, "").split(".").map(Number);
    return { version, ok: major === 1 && minor >= 26 };
  } catch {
    return undefined;
  }
}

function installGoFromModuleProxy() {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch];
  if (!arch) throw new Error(`no Go toolchain for ${process.arch}; install Go >= 1.26 by hand`);
  const proxy = (process.env.GOPROXY ?? "https://proxy.golang.org")
    .split(",")[0]
    .replace(/\/$/, "");
  const url = `${proxy}/golang.org/toolchain/@v/v0.0.1-${GO_TOOLCHAIN}.linux-${arch}.zip`;
  log(`installing Go ${GO_TOOLCHAIN} from the Go module proxy into ${goToolchainDir}`);
  const zip = join(goToolchainDir, "toolchain.zip");
  const unpacked = join(goToolchainDir, "unpacked");
  run("mkdir", ["-p", goToolchainDir]);
  run("curl", ["-fsSL", "-o", zip, url]);
  run("rm", ["-rf", unpacked, join(goToolchainDir, "go")]);
  run("unzip", ["-q", zip, "-d", unpacked]);
  // The module zip holds golang.org/toolchain@<version>/{bin,pkg,src,...}.
  run("sh", [
    "-c",
    `mv "${unpacked}"/golang.org/toolchain@*/ "${join(goToolchainDir, "go")}" && rm -rf "${unpacked}" "${zip}"`,
  ]);
  run("chmod", [
    "-R",
    "u+x",
    join(goToolchainDir, "go", "bin"),
    join(goToolchainDir, "go", "pkg", "tool"),
  ]);
}

function ensureGo() {
  const candidates = ["go", "/usr/local/go/bin/go", projectGo];
  if (candidates.some((go) => goVersionOf(go)?.ok)) return;
  if (!has("unzip") || !has("curl")) {
    log("the Go toolchain (>= 1.26) is missing and unzip/curl are needed to fetch it");
    process.exit(1);
  }
  installGoFromModuleProxy();
  if (!goVersionOf(projectGo)?.ok) throw new Error(`the Go toolchain at ${projectGo} does not run`);
}

function ensureNodeModules() {
  const lock = join(root, "package-lock.json");
  const installed = join(root, "node_modules", ".package-lock.json");
  const fresh =
    existsSync(installed) &&
    existsSync(lock) &&
    statSync(installed).mtimeMs >= statSync(lock).mtimeMs &&
    existsSync(join(root, "node_modules", ".bin", "node"));
  if (fresh) return;
  log("installing npm dependencies");
  run(
    "npm",
    existsSync(lock) ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"],
  );
}

try {
  ensureSystemPackages();
  ensureGo();
  ensureNodeModules();
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

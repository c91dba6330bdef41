#!/usr/bin/env node
// First step of `npm test` and `npm run demo` on any machine, fresh or not.
//
// It runs on whatever Node the machine has (before node_modules exists), so it
// uses only Node's standard library. It makes sure that:
//   1. the system packages the local platform needs are installed (as root it
//      installs them with apt; otherwise it prints the exact command);
//   2. the Go toolchain that builds the pinned servers is present;
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

function ensureGo() {
  const candidates = ["go", "/usr/local/go/bin/go"];
  const go = candidates.find((c) => has(c) || existsSync(c));
  if (!go) {
    log(
      "the Go toolchain (>= 1.25) is needed to build kube-apiserver, etcd and nats-server.\n" +
        "  Install it from https://go.dev/doc/install, or on Debian/Ubuntu with a backports golang package.",
    );
    process.exit(1);
  }
  const version = execFileSync(go, ["env", "GOVERSION"], { encoding: "utf8" }).trim();
  const [major, minor] = version.replace(/^go/, "").split(".").map(Number);
  if (major !== 1 || minor < 25) {
    log(`Go ${version} is too old; the pinned Kubernetes 1.35 needs Go >= 1.25.`);
    process.exit(1);
  }
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

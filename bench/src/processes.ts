// The real operator and agents as child processes: `node --import tsx <bin>`
// (one process, so signals and /proc readings are the app's own), or the
// operator as an esbuild bundle run with plain node (what its image ships).
import { freePort, waitUntil, type PlatformConnection } from "@fleet/local-platform/testing";
import { build } from "esbuild";
import { execa, type ResultPromise } from "execa";
import { mkdtemp, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PartError } from "./errors.js";

// The apps' own bins, found through their packages.
const OPERATOR_MAIN = createRequire(import.meta.url).resolve("@fleet/operator/bin");
const AGENT_MAIN = createRequire(import.meta.url).resolve("@fleet/agent/bin");

export interface Child {
  child: ResultPromise;
  pid: number;
  logs: string[];
  exited(): boolean;
  /** Rejects (with its last log lines) if the process ends before stop() is called. */
  died(): Promise<never>;
  stop(): Promise<void>;
}

export function spawn(args: string[], env: Record<string, string>): Child {
  const logs: string[] = [];
  const child = execa(process.execPath, args, { reject: false, buffer: false, env });
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString().split("\n")) if (line.trim() !== "") logs.push(line);
    if (logs.length > 500) logs.splice(0, logs.length - 500);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let done = false;
  let stopping = false;
  void child.then(() => {
    done = true;
  });
  const pid = child.pid;
  if (pid === undefined) throw new PartError(`could not start ${args.join(" ")}`);
  return {
    child,
    pid,
    logs,
    exited: () => done,
    died() {
      const death = child.then((result): Promise<never> => {
        if (stopping) return new Promise<never>(() => undefined);
        const reason = result.signal ?? `code ${String(result.exitCode)}`;
        throw new PartError(`process ${pid} exited (${reason}): ${logs.slice(-20).join("\n")}`);
      });
      // Handled here too, so a death after the race it was raced in never goes unhandled.
      death.catch(() => undefined);
      return death;
    },
    async stop() {
      stopping = true;
      if (done) return;
      child.kill("SIGTERM");
      await child;
    },
  };
}

export async function installCrd(connection: PlatformConnection): Promise<void> {
  const result = await execa(
    process.execPath,
    ["--import", "tsx", OPERATOR_MAIN, "install", "--kubeconfig", connection.kubeconfig],
    { reject: false, env: { LOG_LEVEL: "warn" } },
  );
  if (result.exitCode !== 0) {
    throw new PartError(`iot-operator install failed: ${result.stderr}`);
  }
}

/** Bundles the operator like its Containerfile does; returns the .mjs path. */
export function bundleOperator(): Promise<string> {
  return bundleApp(OPERATOR_MAIN, "iot-operator");
}

/** Bundles the agent into one file as its build does for devices; returns the .mjs path. */
export function bundleAgent(): Promise<string> {
  return bundleApp(AGENT_MAIN, "iot-agent");
}

async function bundleApp(main: string, name: string): Promise<string> {
  const outfile = join(await mkdtemp(join(tmpdir(), `bench-${name}-`)), `${name}.mjs`);
  await build({
    entryPoints: [main],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    outfile,
    logLevel: "error",
    banner: {
      js: "import { createRequire as __fleetCreateRequire } from 'node:module'; const require = __fleetCreateRequire(import.meta.url);",
    },
  });
  return outfile;
}

export interface Operator extends Child {
  port: number;
  metric(name: string, labels?: string): Promise<number>;
}

export async function startOperator(
  connection: PlatformConnection,
  options: {
    namespace: string;
    lease: string;
    bundle?: string;
    extra?: string[];
    /** A folder for a V8 CPU profile of the whole run (written when the operator exits). */
    cpuProfileDir?: string;
    /** A folder for heap snapshots, each written when the operator gets SIGUSR2. */
    heapSnapshotDir?: string;
    /** More node flags for the operator, e.g. a heap limit. */
    nodeFlags?: string[];
  },
): Promise<Operator> {
  const port = await freePort();
  const profile = [
    ...(options.nodeFlags ?? []),
    ...(options.cpuProfileDir === undefined
      ? []
      : ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`]),
    ...(options.heapSnapshotDir === undefined
      ? []
      : ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${options.heapSnapshotDir}`]),
  ];
  const entry =
    options.bundle === undefined
      ? [...profile, "--import", "tsx", OPERATOR_MAIN]
      : [...profile, options.bundle];
  const child = spawn(
    [
      ...entry,
      "run",
      "--kubeconfig",
      connection.kubeconfig,
      "--nats-url",
      connection.natsUrl,
      "--nats-credentials",
      connection.natsSecrets.operatorCreds,
      "--http-port",
      String(port),
      "--namespace",
      options.namespace,
      "--lease-name",
      options.lease,
      "--identity",
      options.lease,
      ...(options.extra ?? []),
    ],
    { LOG_LEVEL: "warn" },
  );
  const metric = async (name: string, labels = ""): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const wanted = labels === "" ? name : `${name}{${labels}}`;
    const line = text.split("\n").find((l) => l.startsWith(`${wanted} `));
    return line === undefined ? 0 : Number(line.split(" ")[1]);
  };
  await waitUntil(
    async () => {
      if (child.exited()) throw new PartError(`operator exited: ${child.logs.join("\n")}`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return ((await res?.json()) as { state?: string } | undefined)?.state === "leading";
    },
    { what: "operator leading", timeoutMs: 60_000 },
  );
  return { ...child, port, metric };
}

/** The agent of a provisioned device: its id and NATS servers come from its credential file. */
export function startAgent(
  connection: PlatformConnection,
  credentialsFile: string,
  dataDir: string,
  /** More node flags before the app, e.g. a preloaded module. */
  nodeFlags: string[] = [],
  /** The agent's bundle (bundleAgent) to run with plain node, as devices do; its sources through tsx when unset. */
  bundle?: string,
): Child {
  return spawn(
    [
      ...nodeFlags,
      ...(bundle === undefined ? ["--import", "tsx", AGENT_MAIN] : [bundle]),
      `--credentials=${credentialsFile}`,
      `--podman-socket=${connection.podmanSocket}`,
      `--data-dir=${dataDir}`,
      "--heartbeat-seconds=5",
    ],
    { LOG_LEVEL: "warn" },
  );
}

/** RSS (bytes) and CPU time (seconds, user+system) of a process, from /proc. */
export async function procUsage(pid: number): Promise<{ rss: number; cpuSeconds: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(stat[11] ?? 0) + Number(stat[12] ?? 0);
  return { rss: rssKb * 1024, cpuSeconds: ticks / 100 };
}

// Runs the real demo as a test would watch a user run it: a platform instance of
// its own (own folder, own free ports, the shared server binaries), its output
// captured, and every process it starts recorded, so a test can stop it in some
// way and then check that nothing it started is still alive.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layoutFor, readPlatformEnv, REPO_ROOT, status, type Layout } from "@fleet/local-platform";
import { freePort, isPortFree, waitUntil } from "@fleet/local-platform/testing";

export interface DemoInstance {
  env: NodeJS.ProcessEnv;
  layout: Layout;
  /** Every port the instance's servers listen on. */
  ports: number[];
  /** Its devices are <devicePrefix>-1 …: no other run's containers carry that label. */
  devicePrefix: string;
}

const PORT_VARIABLES = [
  "FLEET_ETCD_PORT",
  "FLEET_ETCD_PEER_PORT",
  "FLEET_KUBE_PORT",
  "FLEET_NATS_PORT",
  "FLEET_NATS_WS_PORT",
  "FLEET_NATS_MONITOR_PORT",
  "FLEET_IDP_PORT",
  "FLEET_WEB_PORT",
] as const;

export async function demoInstance(): Promise<DemoInstance> {
  const dir = await mkdtemp(join(tmpdir(), "demo-teardown-"));
  const ports: number[] = [];
  for (let i = 0; i < PORT_VARIABLES.length; i++) ports.push(await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLEET_PLATFORM_DIR: dir,
    // Built once for the whole machine; this instance only reads them.
    FLEET_PLATFORM_BIN_DIR: layoutFor(readPlatformEnv()).binDir,
    ...Object.fromEntries(PORT_VARIABLES.map((name, i) => [name, String(ports[i])])),
  };
  const devicePrefix = `teardown-${String(process.pid)}-${String(Date.now() % 100_000)}`;
  return { env, layout: layoutFor(readPlatformEnv(env)), ports, devicePrefix };
}

interface SeenProcess {
  /** Field 22 of /proc/<pid>/stat: with the pid, names one process even if the pid is reused. */
  startTime: string;
  command: string;
}

function procStat(pid: number): { ppid: number; state: string; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
    // The command name (in parentheses) may hold spaces; the fields after it do not.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", ppid: Number(fields[1]), startTime: fields[19] ?? "" };
  } catch {
    return undefined;
  }
}

function commandOf(pid: number, fallback = "?"): string {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, "utf8")
      .split("\0")
      .join(" ")
      .trim();
  } catch {
    return fallback;
  }
}

/** Records every descendant of `rootPid` it sees, polling /proc while the run lasts. */
function recordDescendants(rootPid: number, seen: Map<number, SeenProcess>): () => void {
  const scan = (): void => {
    const children = new Map<number, number[]>();
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const stat = procStat(pid);
      if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
    }
    const queue = [rootPid];
    for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
      for (const child of children.get(pid) ?? []) {
        const stat = procStat(child);
        if (stat && !seen.has(child))
          seen.set(child, { startTime: stat.startTime, command: commandOf(child) });
        queue.push(child);
      }
    }
  };
  scan();
  const timer = setInterval(scan, 100);
  return () => {
    clearInterval(timer);
  };
}

export interface DemoRun {
  child: ChildProcess;
  /** What the demo printed on stdout so far (empty where stdout went elsewhere). */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout holds `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Settles when the spawned process ends, with its exit code (or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Processes started under the run that are still alive ("pid command" each). */
  survivors(): string[];
  /** Sends `signal` to the run's whole process group, as a terminal does on Ctrl-C. */
  signalGroup(signal: NodeJS.Signals): void;
}

/**
 * Spawns `command` (the demo, or a shell pipeline around `npm run demo`) in a
 * process group of its own, as a terminal runs a foreground job, so a test can
 * signal the whole group as Ctrl-C does.
 */
export function runDemo(command: string, args: string[], instance: DemoInstance): DemoRun {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: instance.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { pid } = child;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const seen = new Map<number, SeenProcess>();
  const stopRecording = recordDescendants(pid, seen);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      stopRecording();
      resolve({ code, signal });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput: (text, timeoutMs = 120_000) =>
      waitUntil(() => Promise.resolve(stdout.includes(text)), {
        what: `demo output "${text}"`,
        timeoutMs,
        hint: `stdout so far:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`,
      }),
    exited,
    signalGroup: (signal) => {
      process.kill(-pid, signal);
    },
    survivors: () =>
      [...seen].flatMap(([pid, process]) => {
        const now = procStat(pid);
        // A zombie has ended; only nobody has reaped it.
        const alive = now !== undefined && now.state !== "Z" && now.startTime === process.startTime;
        // Read the command line again: a process first seen between fork and exec
        // was recorded with its parent's command line.
        return alive ? [`${String(pid)} ${commandOf(pid, process.command)}`] : [];
      }),
  };
}

/** Every server of the instance that its pid files still show running. */
export async function runningServers(instance: DemoInstance): Promise<string[]> {
  return (await status(instance.layout)).filter((s) => s.running).map((s) => s.name);
}

/** The instance's ports (and any others given) that something still listens on. */
export async function busyPorts(instance: DemoInstance, others: number[] = []): Promise<number[]> {
  const ports = [...instance.ports, ...others];
  const free = await Promise.all(ports.map((port) => isPortFree(port)));
  return ports.filter((_, i) => !free[i]);
}

/** The pid of the one live process under the run whose command line holds `marker`. */
export function pidOf(run: DemoRun, marker: string): number {
  const matches = run
    .survivors()
    .filter((line) => line.includes(marker))
    .map((line) => Number(line.split(" ")[0]));
  if (matches.length !== 1 || matches[0] === undefined)
    throw new Error(`expected one live process with "${marker}", found ${String(matches.length)}`);
  return matches[0];
}

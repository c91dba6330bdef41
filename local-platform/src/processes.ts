// Starts servers as detached background processes and tracks them by pid file,
// so `up` can return while they keep running and `down` stops exactly those.
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { inheritedEnvironment } from "./env.js";
import type { Layout } from "./layout.js";

export interface ManagedProcess {
  name: string;
  pid: number;
  command: string;
  args: string[];
  log: string;
  startedAt: string;
}

function pidFile(layout: Layout, name: string): string {
  return join(layout.runDir, `${name}.json`);
}

export function logFile(layout: Layout, name: string): string {
  return join(layout.logDir, `${name}.log`);
}

/** True if `pid` is alive *and* still runs `command` (pids get reused). */
async function isRunning(pid: number, command: string): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
    const state = await readFile(`/proc/${pid}/stat`, "utf8");
    // A zombie has exited; only its parent has not reaped it yet.
    const zombie = / Z /.test(state.slice(state.lastIndexOf(")")));
    return !zombie && cmdline.split("\0")[0] === command;
  } catch {
    return false;
  }
}

/** The recorded process if it is still running, else undefined (and the stale record is removed). */
export async function runningProcess(
  layout: Layout,
  name: string,
): Promise<ManagedProcess | undefined> {
  const file = pidFile(layout, name);
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(await readFile(file, "utf8")) as ManagedProcess;
  if (await isRunning(record.pid, record.command)) return record;
  await rm(file, { force: true });
  return undefined;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export async function startProcess(
  layout: Layout,
  name: string,
  command: string,
  args: string[],
  options: StartOptions = {},
): Promise<ManagedProcess> {
  await mkdir(layout.runDir, { recursive: true });
  await mkdir(layout.logDir, { recursive: true });
  const log = logFile(layout, name);
  const out = openSync(log, "a");
  const child = spawn(command, args, {
    detached: true,
    stdio: ["ignore", out, out],
    env: options.env ?? inheritedEnvironment(),
    cwd: options.cwd ?? layout.root,
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name} (${command})`);
  child.unref();
  const record: ManagedProcess = {
    name,
    pid,
    command,
    args,
    log,
    startedAt: new Date().toISOString(),
  };
  await writeFile(pidFile(layout, name), JSON.stringify(record, null, 2));
  return record;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(
  layout: Layout,
  name: string,
  graceMs = 10_000,
): Promise<boolean> {
  const record = await runningProcess(layout, name);
  if (!record) return false;
  process.kill(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (await isRunning(record.pid, record.command)) {
    if (Date.now() > deadline) process.kill(record.pid, "SIGKILL");
    await delay(100);
  }
  await rm(pidFile(layout, name), { force: true });
  return true;
}

/** SIGKILL, as a crash or an OOM kill would end it; resolves once the process is gone. */
export async function killProcess(layout: Layout, name: string): Promise<boolean> {
  const record = await runningProcess(layout, name);
  if (!record) return false;
  process.kill(record.pid, "SIGKILL");
  while (await isRunning(record.pid, record.command)) await delay(50);
  await rm(pidFile(layout, name), { force: true });
  return true;
}

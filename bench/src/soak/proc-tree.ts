// One process tree read from /proc: resident memory summed over the tree (a
// server that forks workers is counted whole), open file descriptors and how
// many of them are sockets, CPU time (user+system). A process that exits between
// the listing and the reading is simply left out.
import { readdir, readFile, readlink } from "node:fs/promises";
import { procUsage } from "../processes.js";

export interface TreeReading {
  pids: number[];
  rssBytes: number;
  fds: number;
  sockets: number;
  cpuSeconds: number;
}

async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${String(pid)}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(
    tasks.map((task) =>
      readFile(`/proc/${String(pid)}/task/${task}/children`, "utf8").catch(() => ""),
    ),
  );
  return lists.flatMap((list) =>
    list
      .split(" ")
      .filter((word) => word.trim() !== "")
      .map(Number),
  );
}

/** `pid` and every descendant, parents first. */
export async function processTree(pid: number): Promise<number[]> {
  const pids: number[] = [];
  for (let queue = [pid]; queue.length > 0;) {
    const [next, ...rest] = queue;
    if (next === undefined) break;
    pids.push(next);
    queue = [...rest, ...(await childrenOf(next))];
  }
  return pids;
}

async function descriptors(pid: number): Promise<{ fds: number; sockets: number }> {
  const folder = `/proc/${String(pid)}/fd`;
  const fds = await readdir(folder);
  const targets = await Promise.all(fds.map((fd) => readlink(`${folder}/${fd}`).catch(() => "")));
  return { fds: fds.length, sockets: targets.filter((t) => t.startsWith("socket:")).length };
}

export async function readTree(pid: number): Promise<TreeReading> {
  const reading: TreeReading = { pids: [], rssBytes: 0, fds: 0, sockets: 0, cpuSeconds: 0 };
  for (const member of await processTree(pid)) {
    try {
      const [usage, open] = await Promise.all([procUsage(member), descriptors(member)]);
      reading.pids.push(member);
      reading.rssBytes += usage.rss;
      reading.cpuSeconds += usage.cpuSeconds;
      reading.fds += open.fds;
      reading.sockets += open.sockets;
    } catch {
      // Gone between the listing and the reading.
    }
  }
  return reading;
}

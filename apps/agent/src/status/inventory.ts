// What the device is: CPU cores, memory, disk, kernel, arch, OS and agent
// version, from Node's `os` and `fs.statfs`. Sent in every heartbeat (the KV
// keeps only the latest value), refreshed periodically, logged on change.
import { readFile, statfs } from "node:fs/promises";
import os from "node:os";
import { canonicalJson, type Inventory } from "@fleet/contracts";
import { messageOf } from "../errors.js";
import { goArch } from "./arch.js";
import type { Logger } from "../logger.js";
import { AGENT_VERSION } from "../version.js";

/** PRETTY_NAME from os-release, else the kernel's OS name. */
async function osName(): Promise<string> {
  for (const file of ["/etc/os-release", "/usr/lib/os-release"]) {
    try {
      const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(await readFile(file, "utf8"));
      if (match?.[1] !== undefined) return match[1];
    } catch {
      // Try the next file.
    }
  }
  return `${os.type()} ${os.release()}`;
}

/** Total bytes of the filesystem holding the data dir (where workloads' state lives too). */
async function diskBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return stats.blocks * stats.bsize;
}

export async function collectInventory(dataDir: string): Promise<Inventory> {
  return {
    cpuCores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    diskBytes: await diskBytes(dataDir).catch(() => 0),
    kernel: os.release(),
    // The kernel's machine (x86_64, aarch64) in Kubernetes' names (amd64, arm64).
    arch: goArch(os.machine()),
    os: await osName(),
    agentVersion: AGENT_VERSION,
  };
}

export class InventoryTracker {
  #current: Inventory | undefined;
  readonly #dataDir: string;
  readonly #logger: Logger;

  constructor(dataDir: string, logger: Logger) {
    this.#dataDir = dataDir;
    this.#logger = logger;
  }

  get current(): Inventory | undefined {
    return this.#current;
  }

  /** Re-reads the inventory; returns true (and logs it) when it changed. */
  async refresh(): Promise<boolean> {
    try {
      const next = await collectInventory(this.#dataDir);
      if (this.#current !== undefined && canonicalJson(next) === canonicalJson(this.#current)) {
        return false;
      }
      this.#logger.info(
        { inventory: next },
        this.#current === undefined ? "inventory" : "inventory changed",
      );
      this.#current = next;
      return true;
    } catch (error) {
      this.#logger.warn({ err: messageOf(error) }, "cannot read inventory");
      return false;
    }
  }
}

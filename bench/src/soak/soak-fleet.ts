// The soak's simulated devices. Each reports every desired-state entry it holds
// in the soak's namespace as the real agent would: the entry's revision Pending
// at once, Running after a simulated restart (updateMs ±50 %), an immediate
// heartbeat on each change, and a heartbeat every period in between, spread
// evenly over it. One wildcard KV watch serves them all and the heartbeats go
// over a few admin connections (as the rollout benchmark's fleet does for one
// Deployment; this one follows any number). A silenced device skips its
// heartbeats for a while, so it goes unreported and comes back.
import {
  BUCKET_AGENT_STATUS,
  agentStatusKey,
  decodeDesiredState,
  desiredStateKey,
  parseDesiredStateKey,
  type DeploymentReport,
} from "@fleet/contracts";
import { connectAsAdmin, type PlatformConnection } from "@fleet/local-platform/testing";
import { KvWatchInclude, Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { setTimeout as delay } from "node:timers/promises";
import { putSimulatedHeartbeat } from "../heartbeat-simulator.js";
import type { Logger } from "../logger.js";

const TICK_MS = 100;
const CONNECTIONS = 2;

interface Held {
  revision: number;
  running: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class SoakFleet {
  /** Heartbeats acknowledged, and ones that failed (logged). */
  puts = 0;
  failedPuts = 0;
  /** Entries seen: puts and deletes of the fleet's devices' keys. */
  entriesSeen = 0;
  readonly #held = new Map<string, Map<string, Held>>();
  readonly #silentUntil = new Map<string, number>();
  readonly #members: ReadonlySet<string>;
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();
  #stopWatch: () => void = () => undefined;
  #watching: Promise<void> = Promise.resolve();

  private constructor(
    private readonly connections: NatsConnection[],
    private readonly buckets: KV[],
    readonly ids: readonly string[],
    private readonly options: { updateMs: number; periodMs: number; logger: Logger },
  ) {
    this.#members = new Set(ids);
  }

  /** Opens the connections and the watch of `namespace`'s entries (before any exists, so every put is seen). */
  static async open(
    connection: PlatformConnection,
    desired: KV,
    ids: readonly string[],
    namespace: string,
    options: { updateMs: number; periodMs: number; logger: Logger },
  ): Promise<SoakFleet> {
    const connections = await Promise.all(
      Array.from({ length: CONNECTIONS }, () =>
        connectAsAdmin({ connection, maxReconnectAttempts: -1 }),
      ),
    );
    const buckets = await Promise.all(
      connections.map((nc) => new Kvm(nc).open(BUCKET_AGENT_STATUS)),
    );
    const fleet = new SoakFleet(connections, buckets, ids, options);
    // Every device and deployment of the namespace: its token between two wildcards.
    const [, namespaceToken] = desiredStateKey({ device: "d", namespace, name: "n" }).split(".");
    const iterator = await desired.watch({
      key: `*.${namespaceToken ?? ""}.*`,
      include: KvWatchInclude.UpdatesOnly,
    });
    fleet.#stopWatch = () => {
      iterator.stop();
    };
    fleet.#watching = (async () => {
      for await (const entry of iterator) {
        const { device } = parseDesiredStateKey(entry.key);
        if (!fleet.#members.has(device)) continue;
        fleet.entriesSeen += 1;
        if (entry.operation !== "PUT") {
          fleet.#removed(device, entry.key);
          continue;
        }
        try {
          fleet.#given(device, entry.key, decodeDesiredState(entry.value).revision ?? 1);
        } catch (error) {
          // As the agent does with a malformed payload: that entry is reported, the rest go on.
          fleet.options.logger.warn({ err: error, key: entry.key }, "undecodable desired entry");
        }
      }
    })();
    return fleet;
  }

  #heldBy(device: string): Map<string, Held> {
    let held = this.#held.get(device);
    if (held === undefined) {
      held = new Map();
      this.#held.set(device, held);
    }
    return held;
  }

  #given(device: string, key: string, revision: number): void {
    const held = this.#heldBy(device);
    const previous = held.get(key);
    if (previous?.timer !== undefined) clearTimeout(previous.timer);
    const entry: Held = { revision, running: false, timer: undefined };
    held.set(key, entry);
    this.#beatNow(device);
    entry.timer = setTimeout(
      () => {
        entry.timer = undefined;
        entry.running = true;
        this.#beatNow(device);
      },
      this.options.updateMs * (0.5 + Math.random()),
    );
  }

  #removed(device: string, key: string): void {
    const held = this.#heldBy(device);
    const entry = held.get(key);
    if (entry?.timer !== undefined) clearTimeout(entry.timer);
    held.delete(key);
    this.#beatNow(device);
  }

  /** `device` sends no heartbeat for `ms`. */
  silence(device: string, ms: number): void {
    this.#silentUntil.set(device, Date.now() + ms);
  }

  #silent(device: string): boolean {
    const until = this.#silentUntil.get(device);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.#silentUntil.delete(device);
    return false;
  }

  async #beat(index: number): Promise<void> {
    const device = this.ids[index];
    const bucket = this.buckets[index % this.buckets.length];
    if (device === undefined || bucket === undefined || this.#silent(device)) return;
    const deployments: Record<string, Omit<DeploymentReport, "lastEventAt">> = {};
    for (const [key, held] of this.#held.get(device) ?? []) {
      deployments[key] = { phase: held.running ? "Running" : "Pending", revision: held.revision };
    }
    await putSimulatedHeartbeat(bucket, device, deployments);
    this.puts += 1;
  }

  #beatNow(device: string): void {
    this.#beat(this.ids.indexOf(device)).catch((error: unknown) => {
      this.failedPuts += 1;
      this.options.logger.warn({ err: error, device }, "simulated heartbeat failed");
    });
  }

  /** A method, not a field read, because stop() flips it while the loop awaits. */
  running(): boolean {
    return !this.#stopped;
  }

  /** Heartbeats every period, spread evenly over it. */
  start(): void {
    const slice = Math.ceil(this.ids.length / (this.options.periodMs / TICK_MS));
    this.#loop = (async () => {
      while (this.running()) {
        for (let i = 0; i < this.ids.length && this.running(); i += slice) {
          const tick = performance.now();
          const batch: Promise<void>[] = [];
          for (let j = i; j < Math.min(i + slice, this.ids.length); j++) {
            batch.push(
              this.#beat(j).catch((error: unknown) => {
                this.failedPuts += 1;
                this.options.logger.warn({ err: error }, "simulated heartbeat failed");
              }),
            );
          }
          await Promise.all(batch);
          await delay(Math.max(0, TICK_MS - (performance.now() - tick)));
        }
      }
    })();
  }

  /** Stops the watch, the restarts in flight and the heartbeats (statuses stay until purge). */
  async stop(): Promise<void> {
    this.#stopWatch();
    await this.#watching;
    this.#stopped = true;
    await this.#loop;
    for (const held of this.#held.values())
      for (const entry of held.values()) if (entry.timer !== undefined) clearTimeout(entry.timer);
  }

  /** Deletes every simulated device's status, so later runs start from an empty fleet. */
  async purge(): Promise<void> {
    const bucket = this.buckets[0];
    if (bucket === undefined) return;
    await Promise.all(this.ids.map((id) => bucket.purge(agentStatusKey(id))));
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((nc) => nc.close()));
  }
}

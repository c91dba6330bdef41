// Simulated devices: many more than the real agents this machine can run.
// They behave like the real agent as the operator sees it: each watches its
// own desired-state keys, reports every entry it holds Running at that
// entry's revision (at once on a change, then every period), and drops what
// was deleted. One admin connection speaks for all of them (no device may
// publish another's status); it reconnects to whichever NATS node is up.
// Like the real agent's periodic resync, they also re-read their entries
// every few seconds (through the stream leader): a watch whose consumer died
// with its node takes the client up to a minute to notice.
import {
  agentStatusKey,
  BUCKET_AGENT_STATUS,
  BUCKET_DESIRED_STATE,
  decodeDesiredState,
  deviceDesiredStateFilter,
  encodeAgentStatus,
  parseDesiredStateKey,
  type DeploymentReport,
} from "@fleet/contracts";
import { connectAsAdmin } from "@fleet/local-platform/testing";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { setTimeout as delay } from "node:timers/promises";

export const SIM_AGENT_VERSION = "fault-sim";
const RESYNC_MS = 3_000;

const sameEntries = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean =>
  a.size === b.size && [...a].every(([key, revision]) => b.get(key) === revision);

export class SimulatedAgents {
  /** Device -> desired-state key -> revision of the entry it holds. */
  readonly #held = new Map<string, Map<string, number>>();
  readonly #timer: NodeJS.Timeout;
  readonly #resyncTimer: NodeJS.Timeout;
  #resyncing = false;
  readonly #stopped = new AbortController();
  #stopWatch: () => void = () => undefined;
  readonly #watching: Promise<void>;
  /** Heartbeats NATS acknowledged; failed ones are retried by the next period. */
  beats = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly desired: KV,
    private readonly status: KV,
    readonly devices: readonly string[],
    periodMs: number,
  ) {
    for (const device of devices) this.#held.set(device, new Map());
    this.#watching = this.#watch();
    this.#timer = setInterval(() => {
      for (const device of devices) this.#beat(device);
    }, periodMs);
    this.#resyncTimer = setInterval(() => {
      if (this.#resyncing) return;
      this.#resyncing = true;
      this.#resync()
        .catch(() => undefined)
        .finally(() => {
          this.#resyncing = false;
        });
    }, RESYNC_MS);
  }

  /** Reads every device's entries afresh; a device whose entries changed beats at once. */
  async #resync(): Promise<void> {
    const fresh = new Map<string, Map<string, number>>(this.devices.map((d) => [d, new Map()]));
    const keys: string[] = [];
    for await (const key of await this.desired.keys(this.devices.map(deviceDesiredStateFilter)))
      keys.push(key);
    for (const key of keys) {
      const entry = await this.desired.get(key);
      if (entry?.operation !== "PUT") continue;
      const revision = decodeDesiredState(entry.value).revision ?? 1;
      fresh.get(parseDesiredStateKey(key).device)?.set(key, revision);
    }
    for (const [device, entries] of fresh) {
      const held = this.#held.get(device);
      if (held === undefined || sameEntries(held, entries)) continue;
      this.#held.set(device, entries);
      this.#beat(device);
    }
  }

  static async start(devices: readonly string[], periodMs = 1000): Promise<SimulatedAgents> {
    const nc = await connectAsAdmin({ maxReconnectAttempts: -1, name: "fault-simulated-agents" });
    const kvm = new Kvm(nc);
    return new SimulatedAgents(
      nc,
      await kvm.open(BUCKET_DESIRED_STATE),
      await kvm.open(BUCKET_AGENT_STATUS),
      devices,
      periodMs,
    );
  }

  /** Revision of the entry `device` holds under `key`, if any. */
  held(device: string, key: string): number | undefined {
    return this.#held.get(device)?.get(key);
  }

  /** Watches every device's keys; a watch that ends (its server went away for good) is opened again. */
  async #watch(): Promise<void> {
    while (!this.#stopped.signal.aborted) {
      try {
        const iterator = await this.desired.watch({
          key: this.devices.map(deviceDesiredStateFilter),
        });
        this.#stopWatch = () => {
          iterator.stop();
        };
        // A new watch delivers every current entry first: start from nothing.
        for (const held of this.#held.values()) held.clear();
        for await (const entry of iterator) {
          const { device } = parseDesiredStateKey(entry.key);
          const held = this.#held.get(device);
          if (held === undefined) continue;
          if (entry.operation === "PUT")
            held.set(entry.key, decodeDesiredState(entry.value).revision ?? 1);
          else held.delete(entry.key);
          this.#beat(device);
        }
      } catch {
        // NATS is away or the consumer was lost with its node: watch again below.
      }
      await delay(500);
    }
  }

  #beat(device: string): void {
    const deployments: Record<string, Omit<DeploymentReport, "lastEventAt">> = {};
    for (const [key, revision] of this.#held.get(device) ?? [])
      deployments[key] = { phase: "Running", revision };
    const value = encodeAgentStatus({
      deviceId: device,
      agentVersion: SIM_AGENT_VERSION,
      lastHeartbeatAt: new Date().toISOString(),
      deployments,
    });
    void this.status.put(agentStatusKey(device), value).then(
      () => {
        this.beats++;
      },
      () => undefined,
    );
  }

  /** Stops beating and watching, removes every device's status, closes the connection. */
  async stop(): Promise<void> {
    this.#stopped.abort();
    clearInterval(this.#timer);
    clearInterval(this.#resyncTimer);
    this.#stopWatch();
    await this.#watching;
    for (const device of this.devices)
      await this.status.purge(agentStatusKey(device)).catch(() => undefined);
    await this.nc.close();
  }
}

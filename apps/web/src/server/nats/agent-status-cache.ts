// The server's copy of the agent-status bucket: one wildcard KV watch kept open
// for the life of the process, so the first view of 10 000 devices is a read of
// memory rather than 10 000 KV gets. If NATS closes the connection for good, a
// fresh one is opened and the watch re-reads every device (KeptConnection).
import {
  AGENT_STATUS_FILTER,
  BUCKET_AGENT_STATUS,
  heartbeatReceivedAtMs,
  isInvalidKeyError,
  isPayloadError,
  WatchReplay,
} from "@fleet/contracts";
import { KeptConnection, type NatsHealth } from "@fleet/nats";
import { Kvm, type KvWatchEntry } from "@nats-io/kv";
import type { QueuedIterator } from "@nats-io/nats-core";
import type { NatsConnection } from "@nats-io/transport-node";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import type { ReceivedHeartbeat } from "../../fleet/device-summary";
import { decodeHeartbeatEntry } from "../../fleet/heartbeat-entry";

export interface AgentStatusSource {
  /** Every device's last heartbeat; waits (bounded) for the initial load. */
  snapshot(): Promise<ReceivedHeartbeat[]>;
  get(deviceId: string): Promise<ReceivedHeartbeat | undefined>;
}

const WATCHING: NatsHealth = { up: true, reason: "watching agent-status" };

export class AgentStatusCache implements AgentStatusSource {
  private readonly statuses = new Map<string, ReceivedHeartbeat>();
  private readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;
  private readonly link: KeptConnection;
  private watching: NatsHealth = { up: false, reason: "agent-status watch not open yet" };
  /**
   * Whether this process has read every device's last heartbeat once. Until
   * then it is not ready (/api/readyz): a first page would wait for the
   * replay (50 000 heartbeats take seconds) or show a partial fleet.
   */
  private loaded = false;
  private stopped = false;

  constructor(
    nats: {
      servers: string[];
      credentialsFile?: string | undefined;
      /** The connection's name in nats-server (connz); fleet-web unless set. */
      name?: string;
    },
    private readonly log: Logger,
  ) {
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    this.link = new KeptConnection({ name: "fleet-web", ...nats, log }, (nc) => this.open(nc));
  }

  start(): this {
    this.link.start();
    return this;
  }

  async snapshot(): Promise<ReceivedHeartbeat[]> {
    await this.waitReady();
    return [...this.statuses.values()];
  }

  async get(deviceId: string): Promise<ReceivedHeartbeat | undefined> {
    await this.waitReady();
    return this.statuses.get(deviceId);
  }

  /** Up while connected and watching; otherwise why not. */
  health(): NatsHealth {
    const connection = this.link.health();
    return connection.up ? this.watching : connection;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.link.stop();
  }

  /** Serve what we have after a few seconds rather than hang a page on NATS. */
  private async waitReady(): Promise<void> {
    await Promise.race([this.ready, delay(5000)]);
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  /** On each fresh connection: the first watch must open, or the connection is retried. */
  private async open(nc: NatsConnection): Promise<void> {
    const first = await this.openWatch(nc);
    void nc.closed().then(() => {
      this.watching = { up: false, reason: "agent-status watch closed with its connection" };
    });
    void this.keepWatching(nc, first);
  }

  private async openWatch(nc: NatsConnection): Promise<Watch> {
    const kv = await new Kvm(nc).open(BUCKET_AGENT_STATUS);
    const empty = (await kv.status()).values === 0;
    const watcher = await kv.watch({ key: AGENT_STATUS_FILTER });
    // Ends the iteration below when the connection goes, whatever nats.js does with it.
    void nc.closed().then(() => {
      watcher.stop();
    });
    return { watcher, empty };
  }

  /** Runs the watch; when it ends on a live connection, opens it again on the same one. */
  private async keepWatching(nc: NatsConnection, first: Watch): Promise<void> {
    let current: Watch | undefined = first;
    while (!this.isStopped() && !nc.isClosed()) {
      try {
        current ??= await this.openWatch(nc);
        this.watching = this.loaded
          ? WATCHING
          : { up: false, reason: "agent-status: reading every device's last heartbeat" };
        await this.consume(current);
        if (!nc.isClosed()) this.log.warn("agent-status watch ended; reopening");
      } catch (error) {
        if (nc.isClosed()) return;
        this.watching = { up: false, reason: `agent-status watch failed: ${String(error)}` };
        this.log.warn({ err: error }, "agent-status watch failed; retrying");
      }
      current = undefined;
      if (this.isStopped() || nc.isClosed()) return;
      await delay(1000);
    }
  }

  private async consume({ watcher, empty }: Watch): Promise<void> {
    // Devices deleted while we were away never send a delete: after the initial
    // replay, forget every device it did not name.
    const seen = new Set<string>();
    const replay = new WatchReplay(empty);
    const replayed = (): void => {
      for (const device of this.statuses.keys())
        if (!seen.has(device)) this.statuses.delete(device);
      this.loaded = true;
      this.watching = WATCHING;
      this.markReady();
    };
    if (empty) replayed();
    for await (const entry of watcher) {
      const fromReplay = replay.next(entry);
      try {
        const heartbeat = decodeHeartbeatEntry(entry);
        seen.add(heartbeat.deviceId);
        if (heartbeat.kind === "put") {
          this.statuses.set(heartbeat.deviceId, {
            status: heartbeat.status,
            // On this server's clock: now when live, when NATS stored it when replayed.
            receivedAtMs: heartbeatReceivedAtMs(entry, fromReplay, Date.now()),
          });
        } else {
          this.statuses.delete(heartbeat.deviceId);
        }
      } catch (error) {
        if (!isPayloadError(error) && !isInvalidKeyError(error)) throw error;
        this.log.warn({ err: error, key: entry.key }, "ignoring agent-status entry");
      }
      if (fromReplay && !replay.replaying) replayed();
    }
  }
}

type KvWatcher = QueuedIterator<KvWatchEntry>;

interface Watch {
  watcher: KvWatcher;
  /** The bucket held nothing when the watch opened: no replay will come. */
  empty: boolean;
}

// ONE wildcard watch over every device's heartbeat (one watch per key does not
// scale, nats-server#4888). Initial values fill the store, updates keep it
// current; if the watch ends (NATS restarted), it is opened again. A watch
// that falls silent while heartbeats were flowing is reopened too: in a NATS
// cluster its consumer lives on one node, and when that node dies while the
// operator's connection stays up elsewhere the client notices only after two
// missed 30 s idle heartbeats, so every device would look offline for up to a
// minute (the fault suite's node kill found it).
import {
  AGENT_STATUS_FILTER,
  decodeAgentStatus,
  heartbeatReceivedAtMs,
  isInvalidKeyError,
  isPayloadError,
  parseAgentStatusKey,
  WatchReplay,
  type AgentStatus,
} from "@fleet/contracts";
import { Backoff } from "@fleet/runtime";
import type { KV, KvWatchEntry } from "@nats-io/kv";
import { setTimeout as delay } from "node:timers/promises";
import { describeError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

/** Where heartbeats go: the device store (CR aggregation), and the Device status writer. */
export interface HeartbeatSink {
  put(device: string, status: AgentStatus, receivedAtMs: number): void;
  remove(device: string): void;
}

interface Stoppable {
  stop(): void;
}

export interface AgentStatusWatchOptions {
  /**
   * Reopen the watch when no heartbeat arrived for this long after one did
   * (the wiring passes twice the heartbeat period). Undefined: never.
   */
  silenceMs?: number;
}

export class AgentStatusWatch {
  readonly #kv: () => KV;
  readonly #store: HeartbeatSink;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  #current: Stoppable | undefined;
  #stopped = false;
  readonly #silenceMs: number | undefined;
  #silenceTimer: NodeJS.Timeout | undefined;
  /** When the last update (not a replayed value) arrived. */
  #lastUpdateAtMs = 0;
  /** Tells the current watch's replayed values from live updates. */
  #replay = new WatchReplay(true);
  /** Set by an update, cleared by a silent reopen: one reopen per silence, none while the fleet is quiet. */
  #armed = false;

  constructor(
    kv: () => KV,
    store: HeartbeatSink,
    log: Logger,
    metrics: Metrics,
    options: AgentStatusWatchOptions = {},
  ) {
    this.#kv = kv;
    this.#store = store;
    this.#log = log;
    this.#metrics = metrics;
    this.#silenceMs = options.silenceMs;
  }

  start(): void {
    void this.#loop();
    const silenceMs = this.#silenceMs;
    if (silenceMs === undefined) return;
    this.#silenceTimer = setInterval(
      () => {
        if (!this.#armed || Date.now() - this.#lastUpdateAtMs <= silenceMs) return;
        this.#armed = false;
        this.#log.warn({ silenceMs }, "no heartbeat for a while; reopening the agent-status watch");
        this.restart("silent");
      },
      Math.max(100, Math.floor(silenceMs / 4)),
    );
    this.#silenceTimer.unref();
  }

  /** Drops the current watch; the loop opens a new one, which re-reads every device. */
  restart(reason: string): void {
    this.#metrics.watchRestarts.inc({ watch: "agent-status", reason });
    this.#current?.stop();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#silenceTimer);
    this.#current?.stop();
  }

  /** A method, not the field: the field changes while the loop awaits. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  async #loop(): Promise<void> {
    // Also paces reopening a watch that ended without an error.
    const backoff = new Backoff({ initialMs: 250, maxMs: 5000 });
    while (!this.#stopped) {
      try {
        const kv = this.#kv();
        const empty = (await kv.status()).values === 0;
        const iterator = await kv.watch({ key: AGENT_STATUS_FILTER });
        this.#current = iterator;
        this.#replay = new WatchReplay(empty);
        backoff.reset();
        this.#log.info({ filter: AGENT_STATUS_FILTER }, "watching agent status");
        for await (const entry of iterator) this.#handle(entry);
        if (!this.#isStopped()) this.#log.warn("agent-status watch ended; reopening");
      } catch (error) {
        this.#metrics.errors.inc({ area: "status-watch" });
        this.#log.warn({ err: describeError(error) }, "agent-status watch failed; retrying");
      }
      if (!this.#isStopped()) await delay(backoff.next());
    }
  }

  #handle(entry: KvWatchEntry): void {
    const replayed = this.#replay.next(entry);
    if (!replayed) {
      this.#lastUpdateAtMs = Date.now();
      this.#armed = true;
    }
    let device: string;
    try {
      device = parseAgentStatusKey(entry.key);
    } catch (error) {
      if (!isInvalidKeyError(error)) throw error;
      this.#log.warn(
        { key: entry.key, err: error.message },
        "ignoring agent-status entry with a bad key",
      );
      return;
    }
    if (entry.operation !== "PUT") {
      this.#store.remove(device);
      return;
    }
    try {
      const status = decodeAgentStatus(entry.value);
      if (status.deviceId !== device) {
        this.#log.warn(
          { key: entry.key, deviceId: status.deviceId },
          "ignoring heartbeat whose deviceId does not match its key",
        );
        return;
      }
      // Judged by when the heartbeat arrived, never by the device's clock.
      this.#store.put(device, status, heartbeatReceivedAtMs(entry, replayed, Date.now()));
    } catch (error) {
      if (!isPayloadError(error)) throw error;
      // Keep the previous report: it goes stale on its own if the device stays broken.
      this.#metrics.errors.inc({ area: "status-payload" });
      this.#log.warn({ device, err: error.message }, "ignoring malformed heartbeat");
    }
  }
}

// ONE wildcard watch over every device's heartbeat (one watch per key does not
// scale, nats-server#4888). Initial values fill the store, updates keep it
// current; if the watch ends (NATS restarted), it is opened again.
import {
  AGENT_STATUS_FILTER,
  decodeAgentStatus,
  heartbeatReceivedAtMs,
  isInvalidKeyError,
  isPayloadError,
  parseAgentStatusKey,
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

export class AgentStatusWatch {
  readonly #kv: () => KV;
  readonly #store: HeartbeatSink;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  #current: Stoppable | undefined;
  #stopped = false;

  constructor(kv: () => KV, store: HeartbeatSink, log: Logger, metrics: Metrics) {
    this.#kv = kv;
    this.#store = store;
    this.#log = log;
    this.#metrics = metrics;
  }

  start(): void {
    void this.#loop();
  }

  /** Drops the current watch; the loop opens a new one, which re-reads every device. */
  restart(reason: string): void {
    this.#metrics.watchRestarts.inc({ watch: "agent-status", reason });
    this.#current?.stop();
  }

  stop(): void {
    this.#stopped = true;
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
        const iterator = await this.#kv().watch({ key: AGENT_STATUS_FILTER });
        this.#current = iterator;
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
      this.#store.put(device, status, heartbeatReceivedAtMs(entry, Date.now()));
    } catch (error) {
      if (!isPayloadError(error)) throw error;
      // Keep the previous report: it goes stale on its own if the device stays broken.
      this.#metrics.errors.inc({ area: "status-payload" });
      this.#log.warn({ device, err: error.message }, "ignoring malformed heartbeat");
    }
  }
}

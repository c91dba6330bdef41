// Publishes this device's AgentStatus to the agent-status KV: on a fixed
// period, and at once whenever something changed. Requests made while a put
// is in flight collapse into one more put, so a burst of changes costs two
// writes, not one per change. With NATS away, puts fail quietly and the next
// one after reconnect carries the whole current state. Every heartbeat is fitted
// into AGENT_STATUS_MAX_BYTES first (heartbeat-budget.ts).
import { agentStatusKey, type AgentStatus } from "@fleet/contracts";
import type { KV } from "@nats-io/kv";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import { AGENT_VERSION } from "../version.js";
import type { EventRing } from "./event-ring.js";
import { fitHeartbeat } from "./heartbeat-budget.js";
import type { InventoryTracker } from "./inventory.js";
import type { StatusBook } from "./status-book.js";

const PUT_TIMEOUT_MS = 2_000;

export interface PublisherOptions {
  device: string;
  book: StatusBook;
  ring: EventRing;
  inventory: InventoryTracker;
  periodMs: number;
  logger: Logger;
  /** The agent-status bucket while connected, else undefined. */
  bucket: () => KV | undefined;
}

export class StatusPublisher {
  readonly #options: PublisherOptions;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #again = false;
  #failing = false;
  /** The reductions of the last heartbeat, so a trimmed heartbeat is logged once, not every period. */
  #trimmed = "";

  constructor(options: PublisherOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.request();
    }, this.#options.periodMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Publish as soon as possible (coalesced with a put already in flight). */
  request(): void {
    if (this.#inFlight !== undefined) {
      this.#again = true;
      return;
    }
    this.#inFlight = this.#drain();
  }

  /** Publishes the current state and resolves when that put is done (or failed). */
  async flush(): Promise<void> {
    this.request();
    await this.#inFlight;
  }

  async #drain(): Promise<void> {
    do {
      this.#again = false;
      await this.#publishOnce();
    } while (this.#requestedMeanwhile());
    this.#inFlight = undefined;
  }

  #requestedMeanwhile(): boolean {
    return this.#again;
  }

  status(now: Date = new Date()): AgentStatus {
    const { device, book, ring, inventory } = this.#options;
    const status: AgentStatus = {
      schemaVersion: 1,
      deviceId: device,
      agentVersion: AGENT_VERSION,
      lastHeartbeatAt: now.toISOString(),
      deployments: book.snapshot(),
      recentEvents: [...ring.events],
    };
    if (inventory.current !== undefined) status.inventory = inventory.current;
    return status;
  }

  #noteTrimmed(reductions: readonly string[], size: number): void {
    const trimmed = reductions.join("; ");
    if (trimmed === this.#trimmed) return;
    this.#trimmed = trimmed;
    if (trimmed === "") this.#options.logger.info("heartbeat fits its size budget again");
    else
      this.#options.logger.warn(
        { bytes: size, reductions },
        "heartbeat over its size budget; detail was left out",
      );
  }

  async #publishOnce(): Promise<void> {
    const { bucket, device, logger } = this.#options;
    const kv = bucket();
    if (kv === undefined) return;
    try {
      // A put caught by a disconnect would otherwise hold back the next one for JetStream's
      // default 5 s timeout; the next heartbeat carries the whole state anyway.
      const { bytes, reductions } = fitHeartbeat(this.status());
      this.#noteTrimmed(reductions, bytes.length);
      await kv.put(agentStatusKey(device), bytes, { timeout: PUT_TIMEOUT_MS });
      if (this.#failing) logger.info("status publishing works again");
      this.#failing = false;
    } catch (error) {
      // Log the first failure of a run, not one line per heartbeat while NATS is away.
      if (!this.#failing)
        logger.warn({ err: messageOf(error) }, "cannot publish status; will retry");
      this.#failing = true;
    }
  }
}

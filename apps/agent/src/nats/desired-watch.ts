// Watches this device's desired-state keys with ONE wildcard filter
// (`<device>.>`): the latest value of each key first, then live updates.
// Each (re)start replays the KV from scratch, so after an outage, a reboot or
// a lost consumer the KV is the source of truth; keys it no longer has are
// dropped once the replay is complete, and an unchanged entry replayed changes
// nothing on the device (the reconciler compares what it applied).
//
// It is the KV watch of @nats-io/kv, built from the same public JetStream
// parts (desired-consumer.ts) because a device may not ask for consumer info:
// the KV client's `keys()` needs it, and its `watch()` keeps the replay size to
// itself, so an empty replay would never be known to be complete. And the
// watch must notice a consumer that is gone although the connection is not
// (its NATS node died): after two missed 5 s heartbeats it reopens.
import { setTimeout as delay } from "node:timers/promises";
import { deviceDesiredStateFilter } from "@fleet/contracts";
import { Backoff } from "@fleet/runtime";
import type { ConsumerMessages, JetStreamClient } from "@nats-io/jetstream";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import {
  DESIRED_STATE_SUBJECT_PREFIX,
  openDesiredStateConsumer,
  WATCH_HEARTBEAT_MS,
} from "./desired-consumer.js";

export { openDesiredStateConsumer } from "./desired-consumer.js";

export interface WatchHandlers {
  snapshotStarted: () => void;
  /** Every value that existed when the watch started has been delivered. */
  snapshotComplete: () => void;
  put: (key: string, value: Uint8Array) => void;
  delete: (key: string) => void;
}

/** The header the KV client sets on a delete (`DEL`) or purge (`PURGE`). */
const KV_OPERATION = "KV-Operation";

export class DesiredStateWatch {
  readonly #device: string;
  readonly #filter: string;
  readonly #handlers: WatchHandlers;
  readonly #logger: Logger;
  #generation = 0;
  #stopCurrent: (() => void) | undefined;

  constructor(device: string, handlers: WatchHandlers, logger: Logger) {
    this.#device = device;
    this.#filter = deviceDesiredStateFilter(device);
    this.#handlers = handlers;
    this.#logger = logger;
  }

  /** (Re)starts watching over `js`; an earlier watch is stopped. */
  restart(js: JetStreamClient): void {
    this.stop();
    void this.#loop(js, this.#generation);
  }

  stop(): void {
    this.#generation += 1;
    this.#stopCurrent?.();
    this.#stopCurrent = undefined;
  }

  async #loop(js: JetStreamClient, generation: number): Promise<void> {
    const backoff = new Backoff({ initialMs: 500, maxMs: 15_000 });
    while (generation === this.#generation) {
      try {
        await this.#watchOnce(js, generation, () => {
          backoff.reset();
        });
        if (generation !== this.#generation) return;
        this.#logger.warn({ filter: this.#filter }, "desired-state watch ended; restarting");
      } catch (error) {
        if (generation !== this.#generation) return;
        this.#logger.warn(
          { filter: this.#filter, err: messageOf(error) },
          "desired-state watch failed; restarting",
        );
      }
      await delay(backoff.next());
    }
  }

  /** One consumer, until it ends or is lost; `established` whenever it delivers or beats. */
  async #watchOnce(
    js: JetStreamClient,
    generation: number,
    established: () => void,
  ): Promise<void> {
    const consumer = await openDesiredStateConsumer(js, this.#device);
    // The consumer's info from its creation (no request): how many values the replay holds.
    const { num_pending: replaySize } = await consumer.info(true);
    const messages = await consumer.consume();
    if (generation !== this.#generation) {
      await messages.close();
      return;
    }
    this.#stopCurrent = () => {
      void messages.close();
    };
    const lost = watchLiveness(messages, established);
    this.#handlers.snapshotStarted();
    let delivered = 0;
    const completeAfter = (): void => {
      if (delivered === replaySize) this.#handlers.snapshotComplete();
    };
    completeAfter();
    this.#logger.info({ filter: this.#filter }, "watching desired state");
    try {
      for await (const message of messages) {
        // Ordered, as nats.js's ordered consumer checks: a message lost on the way is a gap in
        // the consumer's own sequence, and only a new consumer (a new replay) can fill it.
        if (message.info.deliverySequence !== delivered + 1)
          throw new Error(
            `desired-state watch lost a message: got delivery ${message.info.deliverySequence} after ${delivered}`,
          );
        established();
        const key = message.subject.slice(DESIRED_STATE_SUBJECT_PREFIX.length);
        const operation = message.headers?.get(KV_OPERATION) ?? "";
        if (operation === "DEL" || operation === "PURGE") this.#handlers.delete(key);
        else this.#handlers.put(key, message.data);
        delivered += 1;
        completeAfter();
      }
    } finally {
      // Also when a gap ends it: the consumer is given up (the server removes it once idle).
      void messages.close();
    }
    const reason = lost();
    if (reason !== undefined && generation === this.#generation) throw new Error(reason);
  }
}

/**
 * Follows the messages' status: each heartbeat calls `established`; two
 * missed heartbeats (the consumer, or its NATS node, is gone while the
 * connection is up) close the messages. Returns what ended them, if it was that.
 */
function watchLiveness(
  messages: ConsumerMessages,
  established: () => void,
): () => string | undefined {
  let reason: string | undefined;
  void (async () => {
    for await (const status of messages.status()) {
      if (status.type === "heartbeat" || status.type === "flow_control") established();
      else if (status.type === "heartbeats_missed") {
        reason = `no heartbeat from its consumer for ${(status.count * WATCH_HEARTBEAT_MS) / 1000} s (its NATS node is gone?)`;
        void messages.close();
        return;
      }
    }
  })();
  return () => reason;
}

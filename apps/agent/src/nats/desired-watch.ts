// Watches this device's desired-state keys with ONE wildcard filter
// (`<device>.>`): the latest value of each key first, then live updates.
// Each (re)start replays the KV from scratch, so after an outage or a reboot
// the KV is the source of truth; keys it no longer has are dropped once the
// replay is complete.
//
// It is the KV watch of @nats-io/kv, built from the same public JetStream
// parts (an ordered push consumer, last value per subject, on the device's own
// keys) because a device may not ask for consumer info: the KV client's
// `keys()` needs it, and its `watch()` keeps the replay size to itself, so an
// empty replay would never be known to be complete.
import { setTimeout as delay } from "node:timers/promises";
import { BUCKET_DESIRED_STATE, deviceDesiredStateFilter } from "@fleet/contracts";
import { Backoff } from "@fleet/runtime";
import { DeliverPolicy, type JetStreamClient, type PushConsumer } from "@nats-io/jetstream";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";

export interface WatchHandlers {
  snapshotStarted: () => void;
  /** Every value that existed when the watch started has been delivered. */
  snapshotComplete: () => void;
  put: (key: string, value: Uint8Array) => void;
  delete: (key: string) => void;
}

const STREAM = `KV_${BUCKET_DESIRED_STATE}`;
const SUBJECT_PREFIX = `$KV.${BUCKET_DESIRED_STATE}.`;
/** The header the KV client sets on a delete (`DEL`) or purge (`PURGE`). */
const KV_OPERATION = "KV-Operation";

/** An ordered consumer of the latest value of each of the device's keys; its info from creation counts them. */
export function openDesiredStateConsumer(
  js: JetStreamClient,
  device: string,
): Promise<PushConsumer> {
  return js.consumers.getPushConsumer(STREAM, {
    filter_subjects: `${SUBJECT_PREFIX}${deviceDesiredStateFilter(device)}`,
    deliver_policy: DeliverPolicy.LastPerSubject,
  });
}

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
        await this.#watchOnce(js, generation);
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

  async #watchOnce(js: JetStreamClient, generation: number): Promise<void> {
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
    this.#handlers.snapshotStarted();
    let delivered = 0;
    const completeAfter = (): void => {
      if (delivered === replaySize) this.#handlers.snapshotComplete();
    };
    completeAfter();
    this.#logger.info({ filter: this.#filter }, "watching desired state");
    for await (const message of messages) {
      const key = message.subject.slice(SUBJECT_PREFIX.length);
      const operation = message.headers?.get(KV_OPERATION) ?? "";
      if (operation === "DEL" || operation === "PURGE") this.#handlers.delete(key);
      else this.#handlers.put(key, message.data);
      delivered += 1;
      completeAfter();
    }
  }
}

// Watches this device's desired-state keys with ONE wildcard filter
// (`<device>.>`): the latest value of each key first, then live updates.
// Each (re)start replays the KV from scratch, so after an outage or a reboot
// the KV is the source of truth; keys it no longer has are dropped once the
// replay is complete.
import { setTimeout as delay } from "node:timers/promises";
import { deviceDesiredStateFilter } from "@fleet/contracts";
import { Backoff } from "@fleet/runtime";
import type { KV } from "@nats-io/kv";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";

export interface WatchHandlers {
  snapshotStarted: () => void;
  /** Every value that existed when the watch started has been delivered. */
  snapshotComplete: () => void;
  put: (key: string, value: Uint8Array) => void;
  delete: (key: string) => void;
}

/**
 * A filtered watch on keys that have no entry yields nothing at all, so there
 * would be no "initial values done" signal; ask first whether any key exists.
 */
async function anyKey(kv: KV, filter: string): Promise<boolean> {
  const keys = await kv.keys(filter);
  for await (const _ of keys) {
    keys.stop();
    return true;
  }
  return false;
}

export class DesiredStateWatch {
  readonly #filter: string;
  readonly #handlers: WatchHandlers;
  readonly #logger: Logger;
  #generation = 0;
  #stopCurrent: (() => void) | undefined;

  constructor(device: string, handlers: WatchHandlers, logger: Logger) {
    this.#filter = deviceDesiredStateFilter(device);
    this.#handlers = handlers;
    this.#logger = logger;
  }

  /** (Re)starts watching on `kv`; an earlier watch is stopped. */
  restart(kv: KV): void {
    this.stop();
    void this.#loop(kv, this.#generation);
  }

  stop(): void {
    this.#generation += 1;
    this.#stopCurrent?.();
    this.#stopCurrent = undefined;
  }

  async #loop(kv: KV, generation: number): Promise<void> {
    const backoff = new Backoff({ initialMs: 500, maxMs: 15_000 });
    while (generation === this.#generation) {
      try {
        await this.#watchOnce(kv, generation);
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

  async #watchOnce(kv: KV, generation: number): Promise<void> {
    const hasKeys = await anyKey(kv, this.#filter);
    const entries = await kv.watch({ key: this.#filter });
    if (generation !== this.#generation) {
      entries.stop();
      return;
    }
    this.#stopCurrent = () => {
      entries.stop();
    };
    this.#handlers.snapshotStarted();
    let complete = !hasKeys;
    if (complete) this.#handlers.snapshotComplete();
    this.#logger.info({ filter: this.#filter }, "watching desired state");
    for await (const entry of entries) {
      if (entry.operation === "PUT") this.#handlers.put(entry.key, entry.value);
      else this.#handlers.delete(entry.key);
      // nats.js marks the last initial value (and everything after) as an update.
      if (!complete && entry.isUpdate) {
        complete = true;
        this.#handlers.snapshotComplete();
      }
    }
  }
}

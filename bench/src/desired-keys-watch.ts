// Watches the desired-state keys of one Deployment on every device (one
// wildcard filter, live updates only) and tells when each of a set of devices
// had its key written, or removed: the moment the operator placed (or
// withdrew) the workload there.
import { desiredStateKey, parseDesiredStateKey } from "@fleet/contracts";
import { KvWatchInclude, type KV } from "@nats-io/kv";
import { PartError } from "./errors.js";

export type KeyChange = "put" | "removed";

interface Waiter {
  change: KeyChange;
  pending: Set<string>;
  seen: Map<string, number>;
  done: () => void;
}

export class DesiredKeysWatch {
  readonly #waiters = new Set<Waiter>();
  #stop: () => void = () => undefined;

  static async open(
    bucket: KV,
    deployment: { namespace: string; name: string },
  ): Promise<DesiredKeysWatch> {
    const watch = new DesiredKeysWatch();
    // The key of any device with its device token replaced by a wildcard (device ids have no '.').
    const suffix = desiredStateKey({ device: "d", ...deployment }).slice(1);
    const iterator = await bucket.watch({ key: `*${suffix}`, include: KvWatchInclude.UpdatesOnly });
    watch.#stop = () => {
      iterator.stop();
    };
    void (async () => {
      for await (const entry of iterator) {
        const at = performance.now();
        const change: KeyChange = entry.operation === "PUT" ? "put" : "removed";
        const { device } = parseDesiredStateKey(entry.key);
        for (const waiter of watch.#waiters) {
          if (waiter.change !== change || !waiter.pending.delete(device)) continue;
          waiter.seen.set(device, at);
          if (waiter.pending.size === 0) waiter.done();
        }
      }
    })();
    return watch;
  }

  /**
   * Starts waiting for `change` on every one of `devices` (call before causing
   * it); the promise resolves with each device's arrival time (performance.now).
   */
  expect(
    devices: readonly string[],
    change: KeyChange,
    timeoutMs: number,
  ): Promise<Map<string, number>> {
    const waiter: Waiter = {
      change,
      pending: new Set(devices),
      seen: new Map(),
      done: () => undefined,
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new PartError(
            `desired-state: ${waiter.pending.size} of ${devices.length} keys not ${change} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      waiter.done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(waiter.seen);
      };
      this.#waiters.add(waiter);
      if (devices.length === 0) waiter.done();
    });
  }

  close(): void {
    this.#stop();
  }
}

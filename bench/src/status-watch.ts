// Watches one device's AgentStatus in the agent-status bucket, to split a
// latency into "agent reported it" and "operator showed it in the CR".
import { agentStatusKey, decodeAgentStatus, type AgentStatus } from "@fleet/contracts";
import type { KV } from "@nats-io/kv";

type Test = (status: AgentStatus) => boolean;

export class DeviceStatusWatch {
  readonly #waiters = new Set<{ test: Test; resolve: (at: number) => void }>();
  #stop: () => void = () => undefined;

  static async open(bucket: KV, device: string): Promise<DeviceStatusWatch> {
    const watch = new DeviceStatusWatch();
    const iterator = await bucket.watch({ key: agentStatusKey(device) });
    watch.#stop = () => {
      iterator.stop();
    };
    void (async () => {
      for await (const entry of iterator) {
        if (entry.operation !== "PUT") continue;
        const at = performance.now();
        const status = decodeAgentStatus(entry.value);
        for (const waiter of watch.#waiters) if (waiter.test(status)) waiter.resolve(at);
      }
    })();
    return watch;
  }

  /** Resolves with the arrival time of the first heartbeat from now on that passes `test`. */
  next(test: Test): Promise<number> {
    return new Promise((resolve) => {
      const waiter = {
        test,
        resolve: (at: number) => {
          this.#waiters.delete(waiter);
          resolve(at);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  close(): void {
    this.#stop();
  }
}

// The KV half of the reconcile floor: one put on a scratch bucket, timed until
// a watch on that key delivers it (what the operator → agent hop costs at least).
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

export class KvRoundTrip {
  private constructor(
    private readonly bucket: KV,
    private readonly waiters: Map<string, () => void>,
  ) {}

  static async open(nc: NatsConnection): Promise<KvRoundTrip> {
    const bucket = await new Kvm(nc).create("bench-floor", { history: 1 });
    const waiters = new Map<string, () => void>();
    const watch = await bucket.watch({ key: "probe.>" });
    void (async () => {
      for await (const entry of watch) waiters.get(entry.key)?.();
    })();
    return new KvRoundTrip(bucket, waiters);
  }

  /** Milliseconds from put to the watch delivering it. */
  async measure(): Promise<number> {
    const key = `probe.${Math.random().toString(36).slice(2)}`;
    const seen = new Promise<void>((resolve) => this.waiters.set(key, resolve));
    const t0 = performance.now();
    await this.bucket.put(key, new TextEncoder().encode(String(Date.now())));
    await seen;
    this.waiters.delete(key);
    return performance.now() - t0;
  }

  async destroy(): Promise<void> {
    await this.bucket.destroy();
  }
}

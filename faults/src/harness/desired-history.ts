// Every write to one namespace's desired-state entries during a scenario, in
// order. The bucket keeps one revision per key, so its own history cannot
// show a write made twice; a watch from the start of the world sees each one
// (its ordered consumer resumes after the last message it saw when a node
// goes away). Not a mirror stream: a mirror of a KV stream answers the
// bucket's direct gets from its own, possibly lagging, copy.
import { BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import { Kvm, KvWatchInclude, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

export interface HistoryOp {
  /** Stream sequence in the bucket (the entry's revision). */
  seq: number;
  key: string;
  operation: "PUT" | "DEL" | "PURGE";
  value: Uint8Array;
}

export class DesiredHistory {
  readonly #ops: HistoryOp[] = [];
  #lastSeq = 0;
  #stop: () => void = () => undefined;
  #watching: Promise<void> = Promise.resolve();

  private constructor(
    private readonly kv: KV,
    readonly filter: string,
  ) {}

  /** Starts recording every write to `namespace`'s keys (those already there first). */
  static async start(nc: NatsConnection, namespace: string): Promise<DesiredHistory> {
    const kv = await new Kvm(nc).open(BUCKET_DESIRED_STATE);
    const history = new DesiredHistory(kv, `*.${namespace}.*`);
    const iterator = await kv.watch({ key: history.filter, include: KvWatchInclude.AllHistory });
    history.#stop = () => {
      iterator.stop();
    };
    history.#watching = (async () => {
      for await (const entry of iterator) {
        // A consumer recreated after a node loss starts after the last one seen; never count one twice.
        if (entry.revision <= history.#lastSeq) continue;
        history.#lastSeq = entry.revision;
        history.#ops.push({
          seq: entry.revision,
          key: entry.key,
          operation: entry.operation,
          value: entry.value,
        });
      }
    })();
    return history;
  }

  /**
   * Waits until the recorder has seen the bucket's current revision of every
   * `latest` key (key -> revision, as a read through the stream leader gave
   * it), then returns every write recorded.
   */
  async read(latest: ReadonlyMap<string, number>, timeoutMs = 30_000): Promise<HistoryOp[]> {
    const newest = Math.max(0, ...latest.values());
    await waitUntil(async () => Promise.resolve(this.#lastSeq >= newest), {
      what: `the desired-state recorder at revision ${newest} (it is at ${this.#lastSeq})`,
      timeoutMs,
    });
    return [...this.#ops];
  }

  async stop(): Promise<void> {
    this.#stop();
    await this.#watching;
  }
}

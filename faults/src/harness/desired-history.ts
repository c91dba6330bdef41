// Every write to one namespace's desired-state entries during a scenario, in
// order. The bucket keeps one revision per key, so its own history cannot
// show a write made twice; a watch from the start of the world sees each one.
// A watch whose consumer died with its node can take the client a minute to
// notice, so one that falls behind is reopened after the last revision it
// saw. Not a mirror stream: a mirror of a KV stream answers the bucket's
// direct gets from its own, possibly lagging, copy.
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

/** A recorder this long behind the bucket is reopened (its consumer may be gone). */
const REOPEN_AFTER_MS = 5_000;

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
    await history.#open();
    return history;
  }

  /** (Re)opens the watch after the last revision recorded. */
  async #open(): Promise<void> {
    this.#stop();
    await this.#watching;
    const iterator = await this.kv.watch({
      key: this.filter,
      include: KvWatchInclude.AllHistory,
      ...(this.#lastSeq === 0 ? {} : { resumeFromRevision: this.#lastSeq + 1 }),
    });
    this.#stop = () => {
      iterator.stop();
    };
    this.#watching = (async () => {
      for await (const entry of iterator) {
        // Never count one twice (a reopened watch starts after the last one seen).
        if (entry.revision <= this.#lastSeq) continue;
        this.#lastSeq = entry.revision;
        this.#ops.push({
          seq: entry.revision,
          key: entry.key,
          operation: entry.operation,
          value: entry.value,
        });
      }
    })().catch(() => undefined);
  }

  /**
   * Waits until the recorder has seen the bucket's current revision of every
   * `latest` key (key -> revision, as a read through the stream leader gave
   * it), then returns every write recorded.
   */
  async read(latest: ReadonlyMap<string, number>, timeoutMs = 30_000): Promise<HistoryOp[]> {
    const newest = Math.max(0, ...latest.values());
    let behindSince = performance.now();
    await waitUntil(
      async () => {
        if (this.#lastSeq >= newest) return true;
        if (performance.now() - behindSince > REOPEN_AFTER_MS) {
          behindSince = performance.now();
          await this.#open();
        }
        return false;
      },
      {
        what: `the desired-state recorder at revision ${newest}`,
        timeoutMs,
        hint: "its watch reopened every 5 s while behind",
      },
    );
    return [...this.#ops];
  }

  async stop(): Promise<void> {
    this.#stop();
    await this.#watching;
  }
}

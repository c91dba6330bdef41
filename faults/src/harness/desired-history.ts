// Every write to the desired-state bucket during a scenario, in order. The
// bucket keeps one revision per key, so its own history cannot show a write
// made twice; a mirror stream can: the server copies each message of one
// namespace's keys into it (replicated like the bucket, so it outlives a node
// kill), keeping every one. expectConsistent() reads it to prove that no
// entry was written twice with the same bytes.
import { BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import {
  jetstream,
  jetstreamManager,
  StorageType,
  type JetStreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

export interface HistoryOp {
  /** Stream sequence in the bucket. */
  seq: number;
  key: string;
  operation: "PUT" | "DEL" | "PURGE";
  value: Uint8Array;
}

const SUBJECT_PREFIX = `$KV.${BUCKET_DESIRED_STATE}.`;

export class DesiredHistory {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    readonly stream: string,
  ) {}

  /** Starts mirroring every later write to `namespace`'s keys. */
  static async start(
    nc: NatsConnection,
    namespace: string,
    replicas: number,
  ): Promise<DesiredHistory> {
    const jsm = await jetstreamManager(nc);
    const stream = `FAULT_HISTORY_${namespace}`;
    await jsm.streams.add({
      name: stream,
      mirror: {
        name: `KV_${BUCKET_DESIRED_STATE}`,
        filter_subject: `${SUBJECT_PREFIX}*.${namespace}.*`,
      },
      storage: StorageType.File,
      num_replicas: replicas,
    });
    return new DesiredHistory(nc, jsm, stream);
  }

  /** Waits until the mirror caught up with the bucket, then returns every write it holds. */
  async read(timeoutMs = 30_000): Promise<HistoryOp[]> {
    let total = 0;
    await waitUntil(
      async () => {
        const info = await this.jsm.streams.info(this.stream);
        total = info.state.messages;
        return info.mirror?.lag === 0;
      },
      { what: `${this.stream} caught up with ${BUCKET_DESIRED_STATE}`, timeoutMs },
    );
    const ops: HistoryOp[] = [];
    if (total === 0) return ops;
    const consumer = await jetstream(this.nc).consumers.get(this.stream);
    while (ops.length < total) {
      const batch = await consumer.fetch({ max_messages: total - ops.length, expires: 5_000 });
      const before = ops.length;
      for await (const message of batch) {
        const operation = message.headers?.get("KV-Operation");
        ops.push({
          seq: message.seq,
          key: message.subject.slice(SUBJECT_PREFIX.length),
          operation: operation === "DEL" || operation === "PURGE" ? operation : "PUT",
          value: message.data,
        });
      }
      if (ops.length === before)
        throw new Error(`${this.stream}: ${total - before} writes never came`);
    }
    return ops;
  }

  async stop(): Promise<void> {
    await this.jsm.streams.delete(this.stream).catch(() => false);
  }
}

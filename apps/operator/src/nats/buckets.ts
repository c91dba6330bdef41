// The two KV buckets the operator uses; created if missing (with the replicas
// asked for: 3 on a three-server JetStream cluster), opened otherwise. An
// existing bucket keeps whatever limits and replicas its creator chose: the
// operator never edits a stream (docs/nats.md says how to change one).
import { BUCKET_AGENT_STATUS, BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

export interface Buckets {
  desiredState: KV;
  agentStatus: KV;
}

export interface BucketOptions {
  /** Replicas of a bucket this call creates (KV_REPLICAS); default 1. */
  replicas?: number;
  /** Told about an existing bucket whose replicas differ from `replicas` (it is left as it is). */
  onReplicasDiffer?: (bucket: string, existing: number, wanted: number) => void;
}

const isStreamNotFound = (error: unknown): boolean =>
  error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;

async function openOrCreate(kvm: Kvm, name: string, options: BucketOptions): Promise<KV> {
  const replicas = options.replicas ?? 1;
  const kv = await kvm.open(name);
  try {
    const status = await kv.status();
    if (status.replicas !== replicas) options.onReplicasDiffer?.(name, status.replicas, replicas);
    return kv;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  // Kvm.create opens the bucket if another process created it in the meantime.
  return kvm.create(name, { history: 1, replicas });
}

export async function ensureBuckets(
  nc: NatsConnection,
  options: BucketOptions = {},
): Promise<Buckets> {
  const kvm = new Kvm(nc);
  return {
    desiredState: await openOrCreate(kvm, BUCKET_DESIRED_STATE, options),
    agentStatus: await openOrCreate(kvm, BUCKET_AGENT_STATUS, options),
  };
}

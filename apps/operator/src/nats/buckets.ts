// The two KV buckets the operator uses; created if missing, opened otherwise
// (an existing bucket keeps whatever limits its creator chose).
import { BUCKET_AGENT_STATUS, BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

export interface Buckets {
  desiredState: KV;
  agentStatus: KV;
}

const isStreamNotFound = (error: unknown): boolean =>
  error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;

async function openOrCreate(kvm: Kvm, name: string): Promise<KV> {
  const kv = await kvm.open(name);
  try {
    await kv.status();
    return kv;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  // Kvm.create opens the bucket if another process created it in the meantime.
  return kvm.create(name, { history: 1 });
}

export async function ensureBuckets(nc: NatsConnection): Promise<Buckets> {
  const kvm = new Kvm(nc);
  return {
    desiredState: await openOrCreate(kvm, BUCKET_DESIRED_STATE),
    agentStatus: await openOrCreate(kvm, BUCKET_AGENT_STATUS),
  };
}

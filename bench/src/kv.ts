// The real NATS KV buckets, one connection per bench (plus extra ones for the
// heartbeat simulator, which spreads its writes over several connections).
import { BUCKET_AGENT_STATUS, BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { Kvm, type KV } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";

export interface Buckets {
  nc: NatsConnection;
  desired: KV;
  status: KV;
  close(): Promise<void>;
}

export async function openBuckets(natsUrl: string): Promise<Buckets> {
  const nc = await connect({ servers: natsUrl, maxReconnectAttempts: -1 });
  const kvm = new Kvm(nc);
  const desired = await kvm.create(BUCKET_DESIRED_STATE);
  const status = await kvm.create(BUCKET_AGENT_STATUS);
  return { nc, desired, status, close: () => nc.close() };
}

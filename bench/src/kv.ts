// The real NATS KV buckets, one connection per bench (plus extra ones for the
// heartbeat simulator, which spreads its writes over several connections). The
// bench seeds and reads KV as an outsider: the platform admin.
import { BUCKET_AGENT_STATUS, BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { Kvm, type KV } from "@nats-io/kv";
import { connectAsAdmin, type PlatformConnection } from "@fleet/local-platform/testing";
import type { NatsConnection } from "@nats-io/transport-node";

export interface Buckets {
  nc: NatsConnection;
  desired: KV;
  status: KV;
  close(): Promise<void>;
}

export async function openBuckets(connection: PlatformConnection): Promise<Buckets> {
  const nc = await connectAsAdmin({ connection, maxReconnectAttempts: -1 });
  const kvm = new Kvm(nc);
  const desired = await kvm.create(BUCKET_DESIRED_STATE);
  const status = await kvm.create(BUCKET_AGENT_STATUS);
  return { nc, desired, status, close: () => nc.close() };
}

// The NATS side of the faults: the buckets replicated as in production, which
// node leads a stream, a leader stepped down, a restarted node caught up.
import { BUCKET_AGENT_STATUS, BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { waitUntil, type PlatformConnection } from "@fleet/local-platform/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

/** The stream behind the desired-state bucket. */
export const DESIRED_STATE_STREAM = `KV_${BUCKET_DESIRED_STATE}`;

/** Nodes of the platform's JetStream cluster, as its monitoring endpoint says (1 when not clustered). */
export async function natsClusterSize(connection: PlatformConnection): Promise<number> {
  const res = await fetch(`${connection.natsMonitorUrl}/jsz`);
  const jsz = (await res.json()) as { meta_cluster?: { cluster_size?: number } };
  return jsz.meta_cluster?.cluster_size ?? 1;
}

/**
 * Creates both buckets as the operator would (history 1), with one replica
 * per node; a bucket an earlier run left with fewer replicas is scaled up
 * (JetStream allows raising a stream's replicas in place).
 */
export async function ensureReplicatedBuckets(nc: NatsConnection, replicas: number): Promise<void> {
  const kvm = new Kvm(nc);
  const jsm = await jetstreamManager(nc);
  for (const bucket of [BUCKET_DESIRED_STATE, BUCKET_AGENT_STATUS]) {
    await kvm.create(bucket, { history: 1, replicas });
    const { config } = await jsm.streams.info(`KV_${bucket}`);
    if (config.num_replicas < replicas)
      await jsm.streams.update(config.name, { ...config, num_replicas: replicas });
  }
}

/** The server name of the node that leads `stream` now (undefined while it has no leader). */
export async function streamLeader(
  nc: NatsConnection,
  stream: string,
): Promise<string | undefined> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(stream)).cluster?.leader;
}

/** Waits until `stream` has a leader other than `previous`; returns its server name. */
export async function newStreamLeader(
  nc: NatsConnection,
  stream: string,
  previous: string | undefined,
  timeoutMs = 30_000,
): Promise<string> {
  let leader: string | undefined;
  await waitUntil(
    async () => {
      leader = await streamLeader(nc, stream);
      return leader !== undefined && leader !== previous;
    },
    { what: `${stream} led by a node other than ${previous}`, timeoutMs },
  );
  if (leader === undefined) throw new Error(`${stream} has no leader`);
  return leader;
}

/**
 * Asks the leader of `stream` to step down (JetStream's
 * $JS.API.STREAM.LEADER.STEPDOWN, in the stream's account: the platform
 * admin may); resolves with the leader it had, once it answered.
 */
export async function stepDownStreamLeader(nc: NatsConnection, stream: string): Promise<string> {
  const leader = await streamLeader(nc, stream);
  if (leader === undefined) throw new Error(`${stream} has no leader to step down`);
  const reply = await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${stream}`, "", {
    timeout: 10_000,
  });
  const answer = reply.json<{ success?: boolean; error?: { description?: string } }>();
  if (answer.success !== true)
    throw new Error(
      `${stream} leader step-down refused: ${answer.error?.description ?? "no reason"}`,
    );
  return leader;
}

/** Waits until every replica of `stream` is current (a restarted node caught up). */
export async function replicasCurrent(
  nc: NatsConnection,
  stream: string,
  timeoutMs = 60_000,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await waitUntil(
    async () => {
      const cluster = (await jsm.streams.info(stream)).cluster;
      const replicas = cluster?.replicas ?? [];
      return cluster?.leader !== undefined && replicas.every((r) => r.current && !r.offline);
    },
    { what: `every replica of ${stream} current`, timeoutMs },
  );
}

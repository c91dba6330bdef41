// The operator's buckets on the shape production runs: a three-node JetStream
// cluster with R3 buckets. It runs its own cluster (own folder and ports), so
// killing a node never disturbs the platform the tier shares.
import { BUCKET_DESIRED_STATE } from "@fleet/contracts";
import {
  connectAsAdmin,
  connectAsOperator,
  startOwnNats,
  waitUntil,
  type OwnNats,
} from "@fleet/local-platform/testing";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ensureBuckets } from "./buckets.js";

const STREAM = `KV_${BUCKET_DESIRED_STATE}`;

// What a node's monitor says about the replicas it holds itself (/jsz?streams=true).
const jszSchema = z.object({
  account_details: z
    .array(
      z.object({
        stream_detail: z
          .array(
            z.object({
              name: z.string(),
              state: z.object({ messages: z.number(), last_seq: z.number() }),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

async function localReplica(
  monitorUrl: string,
): Promise<{ messages: number; last_seq: number } | undefined> {
  const res = await fetch(`${monitorUrl}/jsz?accounts=true&streams=true`);
  const jsz = jszSchema.parse(await res.json());
  return jsz.account_details
    .flatMap((account) => account.stream_detail)
    .find((stream) => stream.name === STREAM)?.state;
}

async function streamLeader(kv: KV): Promise<string> {
  const leader = (await kv.status()).streamInfo.cluster?.leader;
  if (leader === undefined) throw new Error(`${STREAM} has no leader`);
  return leader;
}

describe("operator buckets - on a three-node JetStream cluster (R3)", () => {
  let nats: OwnNats;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startOwnNats({ clusterSize: 3 });
    nc = await connectAsOperator({ connection: nats.connection });
  });

  afterAll(async () => {
    await nc.close();
    await nats.stop();
  });

  it("ensureBuckets creates both buckets with the replicas asked for, one on each node", async () => {
    const buckets = await ensureBuckets(nc, { replicas: 3 });
    for (const kv of [buckets.desiredState, buckets.agentStatus]) {
      const status = await kv.status();
      expect(status.replicas).toBe(3);
      const cluster = status.streamInfo.cluster;
      const holders = [cluster?.leader, ...(cluster?.replicas ?? []).map((r) => r.name)];
      expect(holders.sort()).toEqual(nats.connection.natsNodes.map((n) => n.serverName).sort());
    }
  });

  it("an existing bucket keeps its replicas: a different setting is reported, not applied", async () => {
    const differ: [string, number, number][] = [];
    const buckets = await ensureBuckets(nc, {
      replicas: 1,
      onReplicasDiffer: (bucket, existing, wanted) => differ.push([bucket, existing, wanted]),
    });
    expect(differ).toEqual([
      ["desired-state", 3, 1],
      ["agent-status", 3, 1],
    ]);
    expect((await buckets.desiredState.status()).replicas).toBe(3);
  });

  it("keeps taking writes and serving reads with the stream leader's node killed; the node catches up after its restart", async () => {
    const { desiredState: kv } = await ensureBuckets(nc, { replicas: 3 });
    await kv.put("device-a.default.before", "written with 3 nodes");
    const leader = await streamLeader(kv);
    const node = nats.connection.natsNodes.find((n) => n.serverName === leader);
    if (node === undefined) throw new Error(`no node runs ${leader}`);

    const killedAt = performance.now();
    await nats.kill(node.name);
    // The client moves to another node and the two replicas left elect a new leader;
    // until then a put times out, so the first one is retried.
    await waitUntil(
      async () => {
        await kv.put("device-a.default.during-0", "0");
        return true;
      },
      { what: "a KV put with the leader's node killed", timeoutMs: 30_000, intervalMs: 100 },
    );
    console.log(
      `[measure] R3 KV put accepted after the stream leader's node was killed: ${String(Math.round(performance.now() - killedAt))} ms`,
    );
    // From then on every write and read succeeds at the first attempt.
    for (let i = 1; i < 20; i++) await kv.put(`device-a.default.during-${String(i)}`, String(i));
    // Nothing is lost: every entry, from before and during the outage, reads back.
    expect((await kv.get("device-a.default.before"))?.string()).toBe("written with 3 nodes");
    for (let i = 0; i < 20; i++)
      expect((await kv.get(`device-a.default.during-${String(i)}`))?.string()).toBe(String(i));
    const newLeader = await streamLeader(kv);
    expect(newLeader).not.toBe(leader);
    const written = await localReplica(
      nats.connection.natsNodes.find((n) => n.serverName === newLeader)?.monitorUrl ?? "",
    );
    expect(written?.messages).toBe(21);

    const restartAt = performance.now();
    await nats.start(node.name); // resolves once the node's /healthz says its replicas are current
    console.log(
      `[measure] killed NATS node back and caught up (R3 bucket, 20 writes missed): ${String(Math.round(performance.now() - restartAt))} ms`,
    );
    // The restarted node's own replica now holds every write it missed.
    expect(await localReplica(node.monitorUrl)).toEqual(written);
    // And a client of that node alone reads them.
    const direct = await connectAsAdmin({
      connection: { ...nats.connection, natsUrls: [node.url] },
    });
    try {
      const value = await (
        await new Kvm(direct).open(BUCKET_DESIRED_STATE)
      ).get("device-a.default.during-19");
      expect(value?.string()).toBe("19");
    } finally {
      await direct.close();
    }
  });
});

// What a nats-server needs on top of the single-server config to be one node of
// the local JetStream cluster: its routes to the others, and a route password.
// A route is trusted with every account's traffic, so, like every client, it
// authenticates: the password is generated once (0600) and is only ever written
// into the servers' own configs (0600 as well).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { probe } from "../http-probe.js";
import type { Layout } from "../layout.js";
import { ensureNatsSecrets, natsSecretsDir } from "../nats-secrets.js";
import type { NatsNode } from "../nats-nodes.js";
import { runningProcess } from "../processes.js";

const ROUTE_USER = "fleet-route";

export interface NatsClusterConfig {
  name: string;
  listen: string;
  routes: string[];
  authorization: { user: string; password: string; timeout: number };
}

/** The route password, created on first use next to the other NATS secrets. */
export async function ensureRoutePassword(layout: Layout): Promise<string> {
  // The secrets folder (0700) exists once ensureNatsSecrets has run.
  await ensureNatsSecrets(layout);
  const file = join(natsSecretsDir(layout), "route-password");
  if (!existsSync(file))
    await writeFile(file, randomBytes(24).toString("base64url"), { mode: 0o600 });
  return (await readFile(file, "utf8")).trim();
}

export function natsClusterConfig(
  node: NatsNode,
  nodes: readonly NatsNode[],
  routePassword: string,
): NatsClusterConfig {
  return {
    name: "fleet-local",
    listen: `127.0.0.1:${String(node.ports.route)}`,
    routes: nodes
      .filter((other) => other.name !== node.name)
      .map(
        (other) =>
          `nats-route://${ROUTE_USER}:${routePassword}@127.0.0.1:${String(other.ports.route)}`,
      ),
    authorization: { user: ROUTE_USER, password: routePassword, timeout: 2 },
  };
}

/**
 * Whether a majority of the cluster's nodes runs: only then can JetStream elect
 * leaders, so only then is a node's /healthz (meta leader known, every stream
 * and consumer replica current) worth waiting for.
 */
export async function clusterHasQuorum(
  layout: Layout,
  nodes: readonly NatsNode[],
): Promise<boolean> {
  const running = await Promise.all(nodes.map((n) => runningProcess(layout, n.name)));
  return running.filter(Boolean).length > nodes.length / 2;
}

// The replicas a node holds itself, as its monitor reports them.
const jszSchema = z.object({
  account_details: z
    .array(
      z.object({
        name: z.string(),
        stream_detail: z
          .array(
            z.object({
              name: z.string(),
              cluster: z.object({ leader: z.string().optional() }).optional(),
              state: z.object({ last_seq: z.number() }),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

interface LocalReplica {
  key: string;
  leader: string | undefined;
  lastSeq: number;
}

async function localReplicas(node: NatsNode): Promise<LocalReplica[]> {
  const res = await probe({
    url: `http://127.0.0.1:${String(node.ports.monitor)}/jsz?accounts=true&streams=true`,
  });
  if (res.status !== 200) throw new Error(`${node.name} /jsz answered ${String(res.status)}`);
  return jszSchema.parse(JSON.parse(res.body)).account_details.flatMap((account) =>
    account.stream_detail.map((stream) => ({
      key: `${account.name} > ${stream.name}`,
      leader: stream.cluster?.leader,
      lastSeq: stream.state.last_seq,
    })),
  );
}

/**
 * The last sequence of each stream `node` holds a replica of, as its leader
 * has it now. A restarted node's /healthz can pass before it has asked the
 * leaders what it missed; it has caught up once its own replicas reach these.
 */
export async function leaderSequences(
  node: NatsNode,
  nodes: readonly NatsNode[],
): Promise<Map<string, number>> {
  const wanted = new Map<string, number>();
  const leaders = new Map<string, LocalReplica[]>();
  for (const replica of await localReplicas(node)) {
    const leader = nodes.find((n) => n.serverName === replica.leader);
    if (leader === undefined) throw new Error(`${replica.key} has no leader yet`);
    if (leader.name === node.name) continue;
    const held = leaders.get(leader.name) ?? (await localReplicas(leader));
    leaders.set(leader.name, held);
    const atLeader = held.find((r) => r.key === replica.key);
    if (atLeader !== undefined) wanted.set(replica.key, atLeader.lastSeq);
  }
  return wanted;
}

/** Whether each of `node`'s own replicas has reached the sequence in `wanted`. */
export async function reachedSequences(
  node: NatsNode,
  wanted: ReadonlyMap<string, number>,
): Promise<boolean> {
  const own = new Map((await localReplicas(node)).map((r) => [r.key, r.lastSeq]));
  return [...wanted].every(([key, seq]) => (own.get(key) ?? 0) >= seq);
}

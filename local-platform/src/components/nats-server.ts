// nats-server with JetStream (file store in the data dir) and a websocket
// listener for browsers: one server, or one component per node of a JetStream
// cluster (nats-nodes.ts, nats-cluster.ts). The config is written as JSON,
// which nats-server reads.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { probe } from "../http-probe.js";
import { acceptsConnections } from "../ports.js";
import type { Layout } from "../layout.js";
import { natsNodes, type NatsNode } from "../nats-nodes.js";
import { ensureNatsSecrets, type NatsSecrets } from "../nats-secrets.js";
import { natsAuthConfig, type NatsAuthConfig } from "../nats-users.js";
import { logFile, startProcess } from "../processes.js";
import { waitUntil } from "../wait.js";
import type { Component } from "./component.js";
import {
  clusterHasQuorum,
  ensureRoutePassword,
  leaderSequences,
  natsClusterConfig,
  reachedSequences,
  type NatsClusterConfig,
} from "./nats-cluster.js";

interface NatsServerConfig extends NatsAuthConfig {
  server_name: string;
  listen: string;
  http: string;
  jetstream: {
    store_dir: string;
    max_memory_store: number;
    max_file_store: number;
    limits: { default_max_consumers: number };
  };
  websocket: { host: string; port: number; no_tls: boolean };
  cluster?: NatsClusterConfig;
}

export function natsServerConfig(
  node: NatsNode,
  secrets: NatsSecrets,
  cluster?: NatsClusterConfig,
): NatsServerConfig {
  return {
    server_name: node.serverName,
    listen: `127.0.0.1:${String(node.ports.client)}`,
    http: `127.0.0.1:${String(node.ports.monitor)}`,
    jetstream: {
      store_dir: node.storeDir,
      max_memory_store: 256 * 1024 ** 2,
      max_file_store: 4 * 1024 ** 3,
      // Every agent keeps one consumer on desired-state (its own keys), so a fleet needs more
      // than nats-server's default of 1,000 consumers per stream (2.11+); -1 lifts that default.
      limits: { default_max_consumers: -1 },
    },
    // Users, the system account and the auth callout for devices and browsers (see nats-users.ts),
    // the same on every node of a cluster.
    ...natsAuthConfig(secrets),
    // Browsers connect here with a ticket the callout checks; TLS terminates in front of it in
    // production. No configured user may connect over websocket, so everyone here is the callout's.
    websocket: { host: "127.0.0.1", port: node.ports.websocket, no_tls: true },
    ...(cluster === undefined ? {} : { cluster }),
  };
}

/** /jsz answers with JetStream's config only once JetStream is enabled; the client port opens after the monitor's. */
async function jetStreamListens(node: NatsNode): Promise<boolean> {
  const res = await probe({ url: `http://127.0.0.1:${String(node.ports.monitor)}/jsz` });
  if (res.status !== 200) return false;
  const info = JSON.parse(res.body) as { config?: { store_dir?: string } };
  return info.config?.store_dir !== undefined && (await acceptsConnections(node.ports.client));
}

/** /healthz is 200 once the node knows the meta leader and its stream and consumer replicas say they are current. */
async function healthy(node: NatsNode): Promise<boolean> {
  const res = await probe({ url: `http://127.0.0.1:${String(node.ports.monitor)}/healthz` });
  return res.status === 200;
}

function natsServerComponent(node: NatsNode, nodes: readonly NatsNode[]): Component {
  const clustered = nodes.length > 1;
  return {
    name: node.name,
    describe: () =>
      `nats://127.0.0.1:${String(node.ports.client)}, websocket ws://127.0.0.1:${String(node.ports.websocket)}` +
      (clustered ? `, routes 127.0.0.1:${String(node.ports.route)}` : ""),
    ports: () => node.portSettings,
    async start({ layout }) {
      await mkdir(node.storeDir, { recursive: true });
      await mkdir(dirname(node.configFile), { recursive: true });
      const secrets = await ensureNatsSecrets(layout);
      const cluster = clustered
        ? natsClusterConfig(node, nodes, await ensureRoutePassword(layout))
        : undefined;
      await writeFile(
        node.configFile,
        JSON.stringify(natsServerConfig(node, secrets, cluster), null, 2),
        // Generated configs are private, like the secrets they are derived from.
        { mode: 0o600 },
      );
      await startProcess(layout, node.name, join(layout.binDir, "nats-server"), [
        "-c",
        node.configFile,
      ]);
    },
    async waitReady({ layout }) {
      const hint = `see ${logFile(layout, node.name)}`;
      await waitUntil(() => jetStreamListens(node), {
        what: `${node.name} JetStream`,
        timeoutMs: 30_000,
        hint,
      });
      // A node that (re)joins a cluster is ready once it has caught up; while fewer than a
      // majority run (the first node of `up`), nothing can be current yet.
      if (!clustered || !(await clusterHasQuorum(layout, nodes))) return;
      const what = `${node.name} caught up with the JetStream cluster`;
      await waitUntil(() => healthy(node), { what, timeoutMs: 60_000, hint });
      let wanted = new Map<string, number>();
      await waitUntil(
        async () => {
          wanted = await leaderSequences(node, nodes);
          return true;
        },
        { what, timeoutMs: 30_000, hint },
      );
      await waitUntil(() => reachedSequences(node, wanted), { what, timeoutMs: 60_000, hint });
    },
  };
}

/** One component per nats-server of the platform (one, or each node of the cluster). */
export function natsServerComponents(layout: Layout): Component[] {
  const nodes = natsNodes(layout);
  return nodes.map((node) => natsServerComponent(node, nodes));
}

// A NATS of its own, for tests of NATS itself (a cluster losing a node): only
// the platform's nats-server components, in a folder of their own and on ports
// of their own, so the platform the tier shares is never touched.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { natsConnectionFor, type PlatformNatsConnection } from "../connection.js";
import { readPlatformEnv } from "../env.js";
import { layoutFor, type Layout } from "../layout.js";
import { natsNodes } from "../nats-nodes.js";
import { killServer, startServer, stopServer } from "../platform.js";
import { silentProgress } from "../progress.js";

/** Offset of an own NATS's ports from the shared platform's FLEET_NATS_PORT: clear of its nodes' ports. */
const OWN_PORT_OFFSET = 5;

export interface OwnNatsOptions {
  /** Nodes of the JetStream cluster (1 = a single server). */
  clusterSize: number;
  /** Client port of node 1; the others follow the platform's scheme. Default: FLEET_NATS_PORT + 5. */
  basePort?: number;
}

export interface OwnNats {
  layout: Layout;
  connection: PlatformNatsConnection;
  /** SIGKILLs one node (`nats-server-<n>`); its data stays. */
  kill(name: string): Promise<void>;
  /** Starts a stopped node again; resolves once it has caught up with the cluster. */
  start(name: string): Promise<void>;
  /** Stops every node and removes the folder. */
  stop(): Promise<void>;
}

export async function startOwnNats(options: OwnNatsOptions): Promise<OwnNats> {
  const shared = readPlatformEnv();
  const base = options.basePort ?? shared.FLEET_NATS_PORT + OWN_PORT_OFFSET;
  const root = await mkdtemp(join(tmpdir(), "fleet-own-nats-"));
  const layout = layoutFor({
    ...shared,
    FLEET_PLATFORM_DIR: root,
    FLEET_NATS_PORT: base,
    FLEET_NATS_WS_PORT: base + 1,
    FLEET_NATS_MONITOR_PORT: base + 2,
    FLEET_NATS_CLUSTER: options.clusterSize,
  });
  const names = natsNodes(layout).map((node) => node.name);
  const stopServers = async (): Promise<void> => {
    for (const name of [...names].reverse()) await stopServer(layout, name);
  };
  try {
    for (const name of names) await startServer(layout, name, silentProgress);
  } catch (error) {
    // The folder stays: the error names a node's log in it.
    await stopServers();
    throw error;
  }
  const stop = async (): Promise<void> => {
    await stopServers();
    await rm(root, { recursive: true, force: true });
  };
  return {
    layout,
    connection: natsConnectionFor(layout),
    kill: (name) => killServer(layout, name),
    start: (name) => startServer(layout, name, silentProgress),
    stop,
  };
}

// The local platform's nats-servers: one, as it always was (FLEET_NATS_CLUSTER=1,
// the default), or a JetStream cluster of FLEET_NATS_CLUSTER nodes on loopback.
// Node n listens on node 1's ports plus NATS_NODE_PORT_STRIDE × (n − 1), and
// routes to the others on its client port + NATS_ROUTE_PORT_OFFSET; each node
// has its own store dir and config file.
import { dirname, join } from "node:path";
import { PlatformError } from "./errors.js";
import type { Layout } from "./layout.js";

/** Ports of node n are node 1's + 20 × (n − 1): clear of the other ports a platform uses. */
export const NATS_NODE_PORT_STRIDE = 20;
/** A node's route (cluster) port is its client port + 3. */
export const NATS_ROUTE_PORT_OFFSET = 3;
/** The largest cluster the local platform runs. */
export const NATS_CLUSTER_MAX = 5;

export interface NatsNodePorts {
  client: number;
  websocket: number;
  monitor: number;
  /** Undefined for the single server: it has no routes. */
  route: number | undefined;
}

export interface NatsNode {
  /** Process, pid-file and log name: `nats-server` alone, `nats-server-<n>` in a cluster. */
  name: string;
  /** nats-server's server_name; JetStream needs it unique in a cluster. */
  serverName: string;
  storeDir: string;
  configFile: string;
  ports: NatsNodePorts;
  /** Each port keyed by the setting it comes from (a clash names it). */
  portSettings: Record<string, number>;
}

const SINGLE_NAME = "nats-server";
const clusterNodeName = (n: number): string => `${SINGLE_NAME}-${n}`;

/** Every name a nats-server of the local platform can run under, whatever the cluster size. */
export function allNatsNodeNames(): string[] {
  return [
    SINGLE_NAME,
    ...Array.from({ length: NATS_CLUSTER_MAX }, (_, i) => clusterNodeName(i + 1)),
  ];
}

function singleNode(layout: Layout): NatsNode {
  const { nats, natsWebsocket, natsMonitor } = layout.ports;
  return {
    name: SINGLE_NAME,
    serverName: "fleet-local",
    storeDir: layout.natsDir,
    configFile: layout.natsConfig,
    ports: { client: nats, websocket: natsWebsocket, monitor: natsMonitor, route: undefined },
    portSettings: {
      FLEET_NATS_PORT: nats,
      FLEET_NATS_WS_PORT: natsWebsocket,
      FLEET_NATS_MONITOR_PORT: natsMonitor,
    },
  };
}

function clusterNode(layout: Layout, n: number): NatsNode {
  const offset = NATS_NODE_PORT_STRIDE * (n - 1);
  const plus = (k: number): string => (k === 0 ? "" : ` + ${k}`);
  const ports: NatsNodePorts = {
    client: layout.ports.nats + offset,
    websocket: layout.ports.natsWebsocket + offset,
    monitor: layout.ports.natsMonitor + offset,
    route: layout.ports.nats + offset + NATS_ROUTE_PORT_OFFSET,
  };
  for (const port of Object.values(ports))
    if (port !== undefined && port > 65535)
      throw new PlatformError(
        `${clusterNodeName(n)} would listen on port ${port}: choose a lower FLEET_NATS_PORT, FLEET_NATS_WS_PORT and FLEET_NATS_MONITOR_PORT for a cluster of ${layout.natsClusterSize}`,
      );
  return {
    name: clusterNodeName(n),
    serverName: `fleet-local-${n}`,
    storeDir: join(layout.natsClusterDir, `node-${n}`),
    configFile: join(dirname(layout.natsConfig), `${clusterNodeName(n)}.json`),
    ports,
    portSettings: {
      [`FLEET_NATS_PORT${plus(offset)}`]: ports.client,
      [`FLEET_NATS_WS_PORT${plus(offset)}`]: ports.websocket,
      [`FLEET_NATS_MONITOR_PORT${plus(offset)}`]: ports.monitor,
      [`FLEET_NATS_PORT${plus(offset + NATS_ROUTE_PORT_OFFSET)}`]: ports.route ?? 0,
    },
  };
}

/** The platform's nats-servers, in start order. */
export function natsNodes(layout: Layout): NatsNode[] {
  if (layout.natsClusterSize === 1) return [singleNode(layout)];
  return Array.from({ length: layout.natsClusterSize }, (_, i) => clusterNode(layout, i + 1));
}

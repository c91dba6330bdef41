import { createAccount, createCurve, createUser } from "@nats-io/nkeys";
import { describe, expect, it } from "vitest";
import { natsClusterConfig } from "./components/nats-cluster.js";
import { natsServerConfig } from "./components/nats-server.js";
import { readPlatformEnv } from "./env.js";
import { layoutFor } from "./layout.js";
import { natsNodes } from "./nats-nodes.js";
import type { NatsSecrets } from "./nats-secrets.js";

const layout = (env: Record<string, string>) =>
  layoutFor(readPlatformEnv({ FLEET_PLATFORM_DIR: "/p", ...env }));

const seed = (pair: { getSeed(): Uint8Array }): string => new TextDecoder().decode(pair.getSeed());

const secrets: NatsSecrets = {
  version: 3,
  users: {
    admin: seed(createUser()),
    operator: seed(createUser()),
    dashboard: seed(createUser()),
    callout: seed(createUser()),
    system: seed(createUser()),
  },
  calloutIssuer: seed(createAccount()),
  calloutXkey: seed(createCurve()),
  browserTicketKey: "-----BEGIN PRIVATE KEY-----",
};

describe("nats nodes - one server or a JetStream cluster", () => {
  it("by default, one nats-server on the configured ports, as before clusters existed", () => {
    const nodes = natsNodes(layout({}));
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      name: "nats-server",
      serverName: "fleet-local",
      storeDir: "/p/data/nats",
      configFile: "/p/nats/nats-server.json",
      ports: { client: 24222, websocket: 24280, monitor: 28222, route: undefined },
    });
    const [single] = nodes;
    if (single === undefined) throw new Error("no node");
    expect(natsServerConfig(single, secrets)).not.toHaveProperty("cluster");
  });

  it("FLEET_NATS_CLUSTER=3: three nodes, node n on node 1's ports + 20 × (n − 1), routes on client + 3", () => {
    const nodes = natsNodes(layout({ FLEET_NATS_CLUSTER: "3", FLEET_NATS_PORT: "21430" }));
    expect(nodes.map((n) => [n.name, n.serverName, n.ports])).toEqual([
      [
        "nats-server-1",
        "fleet-local-1",
        { client: 21430, websocket: 24280, monitor: 28222, route: 21433 },
      ],
      [
        "nats-server-2",
        "fleet-local-2",
        { client: 21450, websocket: 24300, monitor: 28242, route: 21453 },
      ],
      [
        "nats-server-3",
        "fleet-local-3",
        { client: 21470, websocket: 24320, monitor: 28262, route: 21473 },
      ],
    ]);
    expect(new Set(nodes.map((n) => n.storeDir)).size).toBe(3);
    expect(new Set(nodes.map((n) => n.configFile)).size).toBe(3);
    // A clash names the setting the port derives from.
    expect(Object.keys(nodes[1]?.portSettings ?? {})).toEqual([
      "FLEET_NATS_PORT + 20",
      "FLEET_NATS_WS_PORT + 20",
      "FLEET_NATS_MONITOR_PORT + 20",
      "FLEET_NATS_PORT + 23",
    ]);
  });

  it("each node routes to the others only, with the route password, and has the same users and callout", () => {
    const nodes = natsNodes(layout({ FLEET_NATS_CLUSTER: "3" }));
    const [one, two] = nodes.map((node) =>
      natsServerConfig(node, secrets, natsClusterConfig(node, nodes, "pw")),
    );
    expect(one?.cluster).toEqual({
      name: "fleet-local",
      listen: "127.0.0.1:24225",
      routes: [
        "nats-route://fleet-route:pw@127.0.0.1:24245",
        "nats-route://fleet-route:pw@127.0.0.1:24265",
      ],
      authorization: { user: "fleet-route", password: "pw", timeout: 2 },
    });
    expect(one?.authorization).toEqual(two?.authorization);
    expect(one?.accounts).toEqual(two?.accounts);
    expect(one?.jetstream.store_dir).not.toBe(two?.jetstream.store_dir);
  });

  it("refuses a cluster whose derived ports would pass 65535, naming the settings", () => {
    expect(() => natsNodes(layout({ FLEET_NATS_CLUSTER: "3", FLEET_NATS_PORT: "65500" }))).toThrow(
      /FLEET_NATS_PORT/,
    );
  });

  it("refuses an even or too large cluster size, naming FLEET_NATS_CLUSTER", () => {
    expect(() => readPlatformEnv({ FLEET_NATS_CLUSTER: "2" })).toThrow(/FLEET_NATS_CLUSTER/);
    expect(() => readPlatformEnv({ FLEET_NATS_CLUSTER: "7" })).toThrow(/FLEET_NATS_CLUSTER/);
  });
});

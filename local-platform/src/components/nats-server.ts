// nats-server with JetStream (file store in the data dir) and a websocket
// listener for browsers. The config is written as JSON, which nats-server reads.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { probe } from "../http-probe.js";
import { acceptsConnections } from "../ports.js";
import type { Layout } from "../layout.js";
import { ensureNatsSecrets, type NatsSecrets } from "../nats-secrets.js";
import { natsAuthConfig, type NatsAuthConfig } from "../nats-users.js";
import { logFile, startProcess } from "../processes.js";
import { waitUntil } from "../wait.js";
import type { Component } from "./component.js";

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
}

export function natsServerConfig(layout: Layout, secrets: NatsSecrets): NatsServerConfig {
  return {
    server_name: "fleet-local",
    listen: `127.0.0.1:${layout.ports.nats}`,
    http: `127.0.0.1:${layout.ports.natsMonitor}`,
    jetstream: {
      store_dir: layout.natsDir,
      max_memory_store: 256 * 1024 ** 2,
      max_file_store: 4 * 1024 ** 3,
      // Every agent keeps one consumer on desired-state (its own keys), so a fleet needs more
      // than nats-server's default of 1,000 consumers per stream (2.11+); -1 lifts that default.
      limits: { default_max_consumers: -1 },
    },
    // Users, the system account and the auth callout for devices and browsers (see nats-users.ts).
    ...natsAuthConfig(secrets),
    // Browsers connect here with a ticket the callout checks; TLS terminates in front of it in
    // production. No configured user may connect over websocket, so everyone here is the callout's.
    websocket: { host: "127.0.0.1", port: layout.ports.natsWebsocket, no_tls: true },
  };
}

export const natsServer: Component = {
  name: "nats-server",
  describe: (layout) =>
    `nats://127.0.0.1:${layout.ports.nats}, websocket ws://127.0.0.1:${layout.ports.natsWebsocket}`,
  ports: (layout) => ({
    FLEET_NATS_PORT: layout.ports.nats,
    FLEET_NATS_WS_PORT: layout.ports.natsWebsocket,
    FLEET_NATS_MONITOR_PORT: layout.ports.natsMonitor,
  }),
  async start({ layout }) {
    await mkdir(layout.natsDir, { recursive: true });
    await mkdir(dirname(layout.natsConfig), { recursive: true });
    await writeFile(
      layout.natsConfig,
      JSON.stringify(natsServerConfig(layout, await ensureNatsSecrets(layout)), null, 2),
      // Generated configs are private, like the secrets they are derived from.
      { mode: 0o600 },
    );
    await startProcess(layout, "nats-server", join(layout.binDir, "nats-server"), [
      "-c",
      layout.natsConfig,
    ]);
  },
  async waitReady({ layout }) {
    await waitUntil(
      async () => {
        // /jsz answers with JetStream's config only once JetStream is enabled and ready.
        const res = await probe({ url: `http://127.0.0.1:${layout.ports.natsMonitor}/jsz` });
        if (res.status !== 200) return false;
        const info = JSON.parse(res.body) as { config?: { store_dir?: string } };
        // The monitor port opens before the client listener: clients need both.
        return (
          info.config?.store_dir !== undefined && (await acceptsConnections(layout.ports.nats))
        );
      },
      {
        what: "nats-server JetStream",
        timeoutMs: 30_000,
        hint: `see ${logFile(layout, "nats-server")}`,
      },
    );
  },
};

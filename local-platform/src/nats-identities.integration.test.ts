// The local platform's NATS identities against the real nats-server: each can do
// what its job needs and nothing else; nothing reaches NATS without a credential
// over websocket.
import { readFile } from "node:fs/promises";
import { wsconnect, type NatsConnection } from "@nats-io/nats-core";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { BUCKET_AGENT_STATUS, BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformConnection, type PlatformConnection } from "./testing/index.js";

let connection: PlatformConnection;
let service: NatsConnection;
const opened: NatsConnection[] = [];

async function connectWith(creds: string): Promise<NatsConnection> {
  const nc = await connect({
    servers: connection.natsUrl,
    authenticator: credsAuthenticator(await readFile(creds)),
    reconnect: false,
  });
  opened.push(nc);
  return nc;
}

beforeAll(async () => {
  connection = await platformConnection();
  service = await connect({ servers: connection.natsUrl });
  await new Kvm(service).create(BUCKET_AGENT_STATUS);
  await new Kvm(service).create(BUCKET_DESIRED_STATE);
});

afterAll(async () => {
  for (const nc of opened) await nc.close();
  await service.close();
});

describe("local platform - NATS identities", () => {
  it("refuses a websocket client without credentials", async () => {
    await expect(
      wsconnect({ servers: connection.natsWebsocketUrl, reconnect: false }),
    ).rejects.toThrow(/authoriz/i);
  });

  it("refuses a websocket client with the service user's password", async () => {
    // The password is in the server's config file only; a guess must fail the same way.
    await expect(
      wsconnect({
        servers: connection.natsWebsocketUrl,
        user: "fleet-service",
        pass: "guess",
        reconnect: false,
      }),
    ).rejects.toThrow(/authoriz/i);
  });

  it("the dashboard's credential reads and watches agent-status, and writes nothing", async () => {
    const dashboard = await connectWith(connection.natsSecrets.dashboardCreds);
    const key = `status.identities-it-${Date.now().toString(36)}`;
    const serviceKv = await new Kvm(service).open(BUCKET_AGENT_STATUS);
    await serviceKv.put(key, "heartbeat");
    try {
      const kv = await new Kvm(dashboard).open(BUCKET_AGENT_STATUS);
      expect((await kv.get(key))?.string()).toBe("heartbeat");
      await expect(kv.put(key, "forged")).rejects.toThrow(/permission/i);
      const desired = new Kvm(dashboard)
        .open(BUCKET_DESIRED_STATE)
        .then((d) => d.get("pi-1.default.web"));
      await expect(desired).rejects.toThrow(/permission/i);
    } finally {
      await serviceKv.purge(key);
    }
  });

  it("the callout responder's credential cannot touch the KV buckets", async () => {
    const callout = await connectWith(connection.natsSecrets.calloutCreds);
    const read = new Kvm(callout).open(BUCKET_AGENT_STATUS).then((kv) => kv.get("status.x"));
    await expect(read).rejects.toThrow(/permission/i);
  });

  it("the system credential may kick a connection, and ask nothing else of the servers", async () => {
    const system = await connectWith(connection.natsSecrets.systemCreds);
    const victim = await connect({ servers: connection.natsUrl, reconnect: false });
    const closed = victim.closed();
    const { server_id: serverId, client_id: cid } = victim.info ?? {};
    await system.request(`$SYS.REQ.SERVER.${String(serverId)}.KICK`, JSON.stringify({ cid }));
    await expect(closed).resolves.toBeUndefined();
    expect(victim.isClosed()).toBe(true);
    await expect(system.request(`$SYS.REQ.SERVER.${String(serverId)}.VARZ`, "")).rejects.toThrow(
      /permission/i,
    );
  });
});

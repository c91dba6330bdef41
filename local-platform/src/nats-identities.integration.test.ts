// The local platform's NATS identities against the real nats-server: nothing
// connects without a credential, over TCP or websocket, and each service
// identity can do what its job needs and nothing else.
import { readFile } from "node:fs/promises";
import {
  credsAuthenticator as wsCredsAuthenticator,
  PermissionViolationError,
  wsconnect,
  type NatsConnection,
} from "@nats-io/nats-core";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import {
  BROWSER_AUTH_SESSIONS_SUBJECT,
  BUCKET_AGENT_STATUS,
  BUCKET_DESIRED_STATE,
  OPERATOR_INBOX_PREFIX,
} from "@fleet/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectAsAdmin,
  connectAsOperator,
  platformConnection,
  type PlatformConnection,
} from "./testing/index.js";

let connection: PlatformConnection;
let admin: NatsConnection;
const opened: NatsConnection[] = [];
const run = Date.now().toString(36);

async function connectWith(creds: string): Promise<NatsConnection> {
  const nc = await connect({
    servers: connection.natsUrl,
    authenticator: credsAuthenticator(await readFile(creds)),
    reconnect: false,
  });
  opened.push(nc);
  return nc;
}

/**
 * The error a subscription was refused with, or undefined when it is accepted.
 * The server answers a SUB before the flush's PING, so after the flush a
 * refused subscription is already closed.
 */
async function subscribeError(nc: NatsConnection, subject: string): Promise<unknown> {
  const sub = nc.subscribe(subject);
  await nc.flush();
  if (!sub.isClosed()) {
    sub.unsubscribe();
    return undefined;
  }
  return sub.closed;
}

beforeAll(async () => {
  connection = await platformConnection();
  admin = await connectAsAdmin();
  await new Kvm(admin).create(BUCKET_AGENT_STATUS);
  await new Kvm(admin).create(BUCKET_DESIRED_STATE);
});

afterAll(async () => {
  for (const nc of opened) await nc.close();
  await admin.close();
});

describe("local platform - nothing connects to NATS anonymously", () => {
  it("refuses a TCP client without credentials", async () => {
    await expect(connect({ servers: connection.natsUrl, reconnect: false })).rejects.toThrow(
      /authoriz/i,
    );
  });

  it("refuses a websocket client without credentials", async () => {
    await expect(
      wsconnect({ servers: connection.natsWebsocketUrl, reconnect: false }),
    ).rejects.toThrow(/authoriz/i);
  });

  it("refuses every service credential over websocket: browsers only come through the callout", async () => {
    for (const creds of [
      connection.natsSecrets.adminCreds,
      connection.natsSecrets.dashboardCreds,
    ]) {
      await expect(
        wsconnect({
          servers: connection.natsWebsocketUrl,
          authenticator: wsCredsAuthenticator(await readFile(creds)),
          reconnect: false,
        }),
      ).rejects.toThrow(/authoriz/i);
    }
  });

  it("refuses a user name and password (the old service user is gone)", async () => {
    await expect(
      connect({ servers: connection.natsUrl, user: "fleet-service", pass: "x", reconnect: false }),
    ).rejects.toThrow(/authoriz/i);
  });
});

describe("local platform - the operator's NATS identity", () => {
  let operator: NatsConnection;
  beforeAll(async () => {
    operator = await connectAsOperator({ reconnect: false });
    opened.push(operator);
  });

  it("opens both buckets the way the operator does, and may create them", async () => {
    const kvm = new Kvm(operator);
    await expect(kvm.create(BUCKET_DESIRED_STATE, { history: 1 })).resolves.toBeDefined();
    await expect((await kvm.open(BUCKET_AGENT_STATUS)).status()).resolves.toBeDefined();
    // Creating an existing stream with its own config is a no-op: it proves the right, harmlessly.
    const jsm = await jetstreamManager(operator);
    const { config } = await jsm.streams.info(`KV_${BUCKET_DESIRED_STATE}`);
    await expect(jsm.streams.add(config)).resolves.toBeDefined();
  });

  it("puts, gets, lists, deletes and purges desired-state entries", async () => {
    const kv = await new Kvm(operator).create(BUCKET_DESIRED_STATE);
    const key = `ids-${run}.default.web`;
    await kv.put(key, "score");
    expect((await kv.get(key))?.string()).toBe("score");
    await expect(collect(await kv.keys(`*.default.web`))).resolves.toContain(key);
    await expect(collect(await kv.keys())).resolves.toContain(key);
    await kv.delete(key);
    expect((await kv.get(key))?.operation).toBe("DEL");
    await kv.purge(key);
    expect((await kv.get(key))?.operation).toBe("PURGE");
  });

  it("watches every heartbeat", async () => {
    const kv = await new Kvm(operator).open(BUCKET_AGENT_STATUS);
    const watch = await kv.watch({ key: "status.>" });
    const key = `status.ids-watch-${run}`;
    const seen = (async () => {
      for await (const entry of watch) if (entry.key === key) return entry.string();
      return undefined;
    })();
    await (await new Kvm(admin).open(BUCKET_AGENT_STATUS)).put(key, "beat");
    await expect(seen).resolves.toBe("beat");
    watch.stop();
    await (await new Kvm(admin).open(BUCKET_AGENT_STATUS)).purge(key);
  });

  it("may not forge a heartbeat, delete a bucket, create another stream or leave its inbox", async () => {
    const status = await new Kvm(operator).open(BUCKET_AGENT_STATUS);
    await expect(status.put("status.x", "forged")).rejects.toThrow(/permission/i);
    const jsm = await jetstreamManager(operator);
    await expect(jsm.streams.delete(`KV_${BUCKET_DESIRED_STATE}`)).rejects.toThrow(/permission/i);
    await expect(new Kvm(operator).create(`ids-other-${run}`)).rejects.toThrow(/permission/i);
    expect(await subscribeError(operator, "$SYS.>")).toBeInstanceOf(PermissionViolationError);
    expect(await subscribeError(operator, "_INBOX.>")).toBeInstanceOf(PermissionViolationError);
    expect(await subscribeError(operator, `${OPERATOR_INBOX_PREFIX}.x`)).toBeUndefined();
  });
});

describe("local platform - the other service identities", () => {
  it("the dashboard reads and watches agent-status, and writes nothing", async () => {
    const dashboard = await connectWith(connection.natsSecrets.dashboardCreds);
    const key = `status.identities-it-${run}`;
    const adminKv = await new Kvm(admin).open(BUCKET_AGENT_STATUS);
    await adminKv.put(key, "heartbeat");
    try {
      const kv = await new Kvm(dashboard).open(BUCKET_AGENT_STATUS);
      expect((await kv.get(key))?.string()).toBe("heartbeat");
      const watch = await kv.watch({ key: "status.>" });
      for await (const entry of watch) if (entry.key === key) break;
      watch.stop();
      await expect(kv.put(key, "forged")).rejects.toThrow(/permission/i);
      const desired = new Kvm(dashboard)
        .open(BUCKET_DESIRED_STATE)
        .then((d) => d.get("pi-1.default.web"));
      await expect(desired).rejects.toThrow(/permission/i);
      await expect(new Kvm(dashboard).create(`ids-dash-${run}`)).rejects.toThrow(/permission/i);
      expect(await subscribeError(dashboard, "$SYS.>")).toBeInstanceOf(PermissionViolationError);
      // Session verdicts for the identity service are the one thing it publishes.
      dashboard.publish(BROWSER_AUTH_SESSIONS_SUBJECT, "{}");
      await dashboard.flush();
      expect(dashboard.isClosed()).toBe(false);
    } finally {
      await adminKv.purge(key);
    }
  });

  it("the identity service's credential cannot touch the KV buckets", async () => {
    const callout = await connectWith(connection.natsSecrets.calloutCreds);
    const read = new Kvm(callout).open(BUCKET_AGENT_STATUS).then((kv) => kv.get("status.x"));
    await expect(read).rejects.toThrow(/permission/i);
    expect(await subscribeError(callout, "$KV.>")).toBeInstanceOf(PermissionViolationError);
  });

  it("the system credential may kick a connection, and ask nothing else of the servers", async () => {
    const system = await connectWith(connection.natsSecrets.systemCreds);
    const victim = await connectAsAdmin({ reconnect: false });
    const closed = victim.closed();
    const { server_id: serverId, client_id: cid } = victim.info ?? {};
    await system.request(`$SYS.REQ.SERVER.${String(serverId)}.KICK`, JSON.stringify({ cid }));
    await expect(closed).resolves.toBeUndefined();
    expect(victim.isClosed()).toBe(true);
    await expect(system.request(`$SYS.REQ.SERVER.${String(serverId)}.VARZ`, "")).rejects.toThrow(
      /permission/i,
    );
    expect(await subscribeError(system, ">")).toBeInstanceOf(PermissionViolationError);
  });

  it("the platform admin may do anything (tests and tooling only)", async () => {
    const bucket = `ids-admin-${run}`;
    const kv = await new Kvm(admin).create(bucket);
    await kv.put("a", "b");
    await kv.destroy();
    expect(await subscribeError(admin, "$KV.>")).toBeUndefined();
  });
});

async function collect(iterator: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of iterator) keys.push(key);
  return keys;
}

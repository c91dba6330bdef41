// Browser credentials against the real nats-server and the identity service
// answering its auth callout: a ticket of one session receives heartbeats and
// can do nothing else; bad tickets are refused; ending the session closes its
// live connection.
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import {
  BROWSER_HEARTBEAT_SUBJECT,
  BUCKET_AGENT_STATUS,
  BUCKET_DESIRED_STATE,
  TICKET_MAX_LIFETIME_MS,
  agentStatusKey,
  encodeAgentStatus,
  type DashboardRole,
} from "@fleet/contracts";
import {
  connectAsAdmin,
  platformConnection,
  waitUntil,
  type PlatformConnection,
} from "@fleet/local-platform/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { wsconnect, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signTestTicket } from "../testing/browser-ticket.js";
import { startPlatformIdentity, type PlatformIdentity } from "../testing/index.js";

let connection: PlatformConnection;
let service: NatsConnection;
let statusKv: KV;
let desiredKv: KV;
let identity: PlatformIdentity;
let ticketKey: KeyObject;
const browsers: NatsConnection[] = [];
const suffix = randomBytes(3).toString("hex");
const device = `browser-it-${suffix}`;

const newSessionId = (): string => randomBytes(16).toString("base64url");

function ticketFor(
  options: { sessionId?: string; role?: DashboardRole; key?: KeyObject; now?: number } = {},
): Promise<string> {
  return signTestTicket(
    {
      sessionId: options.sessionId ?? newSessionId(),
      role: options.role ?? "viewer",
      ...(options.now === undefined ? {} : { issuedAt: options.now }),
    },
    options.key ?? ticketKey,
  );
}

async function browser(ticket: string): Promise<NatsConnection> {
  const nc = await wsconnect({
    servers: connection.natsWebsocketUrl,
    token: ticket,
    reconnect: false,
  });
  browsers.push(nc);
  return nc;
}

const heartbeat = (deviceId = device): Uint8Array =>
  encodeAgentStatus({
    deviceId,
    agentVersion: "browser-it",
    lastHeartbeatAt: new Date().toISOString(),
  });

beforeAll(async () => {
  connection = await platformConnection();
  service = await connectAsAdmin({ connection });
  statusKv = await new Kvm(service).create(BUCKET_AGENT_STATUS);
  desiredKv = await new Kvm(service).create(BUCKET_DESIRED_STATE);
  identity = await startPlatformIdentity({ connection });
  ticketKey = identity.ticketKey;
});

afterEach(async () => {
  for (const nc of browsers.splice(0)) await nc.close().catch(() => undefined);
});

afterAll(async () => {
  await identity.stop();
  await statusKv.purge(agentStatusKey(device)).catch(() => undefined);
  await service.close();
});

describe("browser NATS credentials - what a ticket allows", () => {
  it("receives heartbeats as they are put", async () => {
    const nc = await browser(await ticketFor());
    const sub = nc.subscribe(BROWSER_HEARTBEAT_SUBJECT, { max: 1 });
    await nc.flush();
    await statusKv.put(agentStatusKey(device), heartbeat());
    for await (const msg of sub) {
      expect(msg.subject).toBe(`$KV.${BUCKET_AGENT_STATUS}.${agentStatusKey(device)}`);
      expect(msg.json<{ deviceId: string }>().deviceId).toBe(device);
    }
  });

  it("cannot publish to agent-status or desired-state", async () => {
    const nc = await browser(await ticketFor());
    const errors: string[] = [];
    void (async () => {
      for await (const status of nc.status())
        if (status.type === "error") errors.push(String(status.error));
    })();
    const forgedStatus = agentStatusKey(`forged-${suffix}`);
    const forgedDesired = `forged-${suffix}.default.web`;
    nc.publish(`$KV.${BUCKET_AGENT_STATUS}.${forgedStatus}`, heartbeat(`forged-${suffix}`));
    nc.publish(`$KV.${BUCKET_DESIRED_STATE}.${forgedDesired}`, "{}");
    await nc.flush();
    await waitUntil(() => Promise.resolve(errors.length >= 2), {
      what: "two publish permission violations",
      timeoutMs: 5000,
    });
    expect(errors.join("\n")).toMatch(/permissions violation for publish/i);
    expect(await statusKv.get(forgedStatus)).toBeNull();
    expect(await desiredKv.get(forgedDesired)).toBeNull();
  });

  it("cannot use JetStream: no consumer, durable or not, is created", async () => {
    const nc = await browser(await ticketFor());
    const durable = `browser-it-${suffix}`;
    const attempt = (async () => {
      const jsm = await jetstreamManager(nc, { timeout: 2000 });
      await jsm.consumers.add(`KV_${BUCKET_AGENT_STATUS}`, { durable_name: durable });
    })();
    await expect(attempt).rejects.toThrow(/permission/i);
    const admin = await jetstreamManager(service);
    const names: string[] = [];
    for await (const info of admin.consumers.list(`KV_${BUCKET_AGENT_STATUS}`)) {
      names.push(info.name);
    }
    expect(names).not.toContain(durable);
  });

  it("cannot read desired-state", async () => {
    const nc = await browser(await ticketFor());
    const sub = nc.subscribe(`$KV.${BUCKET_DESIRED_STATE}.>`);
    const received: string[] = [];
    const ended = (async () => {
      for await (const msg of sub) received.push(msg.subject);
    })();
    await expect(ended).rejects.toThrow(/permission/i);
    await desiredKv.put(`browser-it-${suffix}.default.web`, "{}");
    await desiredKv.purge(`browser-it-${suffix}.default.web`);
    expect(received).toStrictEqual([]);
    const read = (async () => {
      const kv = await new Kvm(nc).open(BUCKET_DESIRED_STATE);
      return kv.get(`browser-it-${suffix}.default.web`);
    })();
    await expect(read).rejects.toThrow(/permission/i);
  });
});

describe("browser NATS credentials - refused connections", () => {
  it("refuses a websocket without a ticket", async () => {
    await expect(
      wsconnect({ servers: connection.natsWebsocketUrl, reconnect: false }),
    ).rejects.toThrow(/authoriz/i);
  });

  it("refuses an expired ticket", async () => {
    const issuedBefore = Date.now() - TICKET_MAX_LIFETIME_MS - 1000;
    await expect(browser(await ticketFor({ now: issuedBefore }))).rejects.toThrow(/authoriz/i);
  });

  it("refuses a ticket signed by another key", async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    await expect(browser(await ticketFor({ key: privateKey }))).rejects.toThrow(/authoriz/i);
  });

  it("refuses a ticket over plain TCP: tickets are for browsers", async () => {
    await expect(
      connect({ servers: connection.natsUrl, token: await ticketFor(), reconnect: false }),
    ).rejects.toThrow(/authoriz/i);
  });
});

describe("browser NATS credentials - the session ends", () => {
  it("after sign-out the live connection is closed within 2 s, and its ticket no longer connects", async () => {
    const sessionId = newSessionId();
    const ticket = await ticketFor({ sessionId });
    const nc = await browser(ticket);
    const closed = nc.closed();
    await identity.decide({ sessionId, role: null, until: Date.now() + 3600_000 });
    const outcome = await Promise.race([
      closed.then(() => "closed"),
      delay(2000).then(() => "still open"),
    ]);
    expect(outcome).toBe("closed");
    await expect(browser(ticket)).rejects.toThrow(/authoriz/i);
  });

  it("a role change ends connections opened under the old role", async () => {
    const sessionId = newSessionId();
    const viewerTicket = await ticketFor({ sessionId, role: "viewer" });
    const nc = await browser(viewerTicket);
    await identity.decide({ sessionId, role: "deployer", until: Date.now() + 3600_000 });
    await nc.closed();
    await expect(browser(viewerTicket)).rejects.toThrow(/authoriz/i);
    const again = await browser(await ticketFor({ sessionId, role: "deployer" }));
    expect(again.isClosed()).toBe(false);
  });
});

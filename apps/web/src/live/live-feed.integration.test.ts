// The browser's live feed against the real nats-server and the identity
// service answering its auth callout (Node has the browser's WebSocket). Only
// the dashboard's own endpoint is played by the test: it hands out real
// tickets, or 401 once the session is over.
import { randomBytes, type KeyObject } from "node:crypto";
import {
  BROWSER_HEARTBEAT_SUBJECT,
  BUCKET_AGENT_STATUS,
  agentStatusKey,
  encodeAgentStatus,
} from "@fleet/contracts";
import { startPlatformIdentity, type PlatformIdentity } from "@fleet/identity/testing";
import {
  connectAsAdmin,
  platformConnection,
  waitUntil,
  type PlatformConnection,
} from "@fleet/local-platform/testing";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ReceivedHeartbeat } from "../fleet/device-summary";
import { mintBrowserTicket } from "../server/nats/browser-tickets/ticket";
import type { LiveCredentials } from "../server/live-credentials";
import { startLiveFeed, type LiveState } from "./live-feed";

const suffix = randomBytes(3).toString("hex");
let connection: PlatformConnection;
let service: NatsConnection;
let kv: KV;
let identity: PlatformIdentity;
let ticketKey: KeyObject;
const written: string[] = [];
const stops: (() => void)[] = [];

/** The dashboard's credentials endpoint, for one session. */
function dashboard(options: { sessionId: string; ticketLifetimeMs: number }) {
  const state = { signedIn: true, served: 0 };
  const fetch = vi.fn(async (url: string): Promise<Response> => {
    expect(url).toBe("/api/live/credentials");
    if (!state.signedIn) return Response.json({ error: "Sign in" }, { status: 401 });
    state.served++;
    const now = Date.now();
    const { ticket, expiresAt } = await mintBrowserTicket(
      {
        sessionId: options.sessionId,
        role: "viewer",
        sessionExpiresAt: now + options.ticketLifetimeMs,
      },
      ticketKey,
      now,
    );
    const body: LiveCredentials = {
      servers: [connection.natsWebsocketUrl],
      ticket,
      expiresAt,
      subject: BROWSER_HEARTBEAT_SUBJECT,
    };
    return Response.json(body);
  });
  vi.stubGlobal("fetch", fetch);
  return state;
}

function feed() {
  const seen: ReceivedHeartbeat[] = [];
  const states: LiveState[] = [];
  const events = { unauthorized: 0, resyncs: 0 };
  stops.push(
    startLiveFeed({
      onState: (s) => states.push(s),
      onHeartbeats: (batch) => seen.push(...batch),
      onResync: () => events.resyncs++,
      onUnauthorized: () => events.unauthorized++,
    }),
  );
  return { seen, states, events };
}

async function put(key: string, deviceId: string, agentVersion = "feed-it"): Promise<void> {
  written.push(key);
  await kv.put(
    key,
    encodeAgentStatus({ deviceId, agentVersion, lastHeartbeatAt: new Date().toISOString() }),
  );
}

beforeAll(async () => {
  // The feed batches per animation frame; Node has no frames.
  vi.stubGlobal("requestAnimationFrame", (run: () => void) => setTimeout(run, 0));
  connection = await platformConnection();
  service = await connectAsAdmin({ connection });
  kv = await new Kvm(service).create(BUCKET_AGENT_STATUS);
  identity = await startPlatformIdentity({ connection });
  ticketKey = identity.ticketKey;
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await identity.stop();
  for (const key of written) await kv.purge(key).catch(() => undefined);
  await service.close();
});

const sessionId = (): string => randomBytes(16).toString("base64url");

describe("live feed - heartbeats in the browser", () => {
  it("shows heartbeats by the device their key names, and drops a forged deviceId", async () => {
    dashboard({ sessionId: sessionId(), ticketLifetimeMs: 3600_000 });
    const { seen, states, events } = feed();
    await waitUntil(() => Promise.resolve(states.includes("live")), {
      what: "live",
      timeoutMs: 10_000,
    });
    // The page's first view predates the subscription: it is re-read once subscribed,
    // so a heartbeat sent in between is not lost until the device's next one.
    expect(events.resyncs).toBe(1);
    const [a, b, barrier] = ["a", "b", "barrier"].map((n) => `feed-it-${n}-${suffix}`) as [
      string,
      string,
      string,
    ];
    await put(agentStatusKey(a), b, "forged");
    await put(agentStatusKey(barrier), barrier);
    await waitUntil(() => Promise.resolve(seen.some((h) => h.status.deviceId === barrier)), {
      what: "the barrier heartbeat in the feed",
      timeoutMs: 10_000,
    });
    expect(seen.map((h) => h.status.deviceId)).not.toContain(b);
    expect(seen.filter((h) => h.status.agentVersion === "forged")).toStrictEqual([]);
  });

  it("renews its ticket before it expires and keeps receiving", async () => {
    const endpoint = dashboard({ sessionId: sessionId(), ticketLifetimeMs: 3000 });
    const { seen } = feed();
    // Each ticket lives 3 s and is renewed after 1 s: three tickets is past the first one's end.
    await waitUntil(() => Promise.resolve(endpoint.served >= 4), {
      what: "four tickets served",
      timeoutMs: 15_000,
    });
    const device = `feed-it-renewed-${suffix}`;
    await put(agentStatusKey(device), device);
    await waitUntil(() => Promise.resolve(seen.some((h) => h.status.deviceId === device)), {
      what: "a heartbeat after the first tickets expired",
      timeoutMs: 10_000,
    });
  });

  it("after sign-out the feed is cut and asks the user to sign in again", async () => {
    const id = sessionId();
    const endpoint = dashboard({ sessionId: id, ticketLifetimeMs: 3600_000 });
    const { states, events } = feed();
    await waitUntil(() => Promise.resolve(states.includes("live")), {
      what: "live",
      timeoutMs: 10_000,
    });
    endpoint.signedIn = false;
    await identity.decide({ sessionId: id, role: null, until: Date.now() + 3600_000 });
    await waitUntil(() => Promise.resolve(events.unauthorized === 1), {
      what: "the feed noticing the session is over",
      timeoutMs: 20_000,
    });
    expect(states).toContain("disconnected");
  });
});

// The browser's live connection: NATS over websocket with a short-lived ticket
// of this session (GET /api/live/credentials), one core subscription to every
// heartbeat put. No JetStream: the first view comes from the server (tRPC), and
// once subscribed, and after any gap (reconnect), the caller re-reads it (onResync).
// Before a ticket expires a new connection is opened with a fresh ticket, then
// the old one is closed, so renewals lose nothing. Heartbeats are batched per
// animation frame and pushed into the TanStack Query cache by the caller.
import { BUCKET_AGENT_STATUS } from "@fleet/contracts";
import { wsconnect, type Msg, type NatsConnection } from "@nats-io/nats-core";
import type { ReceivedHeartbeat } from "../fleet/device-summary";
import { decodeHeartbeatEntry } from "../fleet/heartbeat-entry";
import type { LiveCredentials } from "../server/live-credentials";

export type LiveState = "connecting" | "live" | "disconnected";

export interface LiveFeedHandlers {
  onState(state: LiveState): void;
  /** Received on this browser's clock, which judges online/offline. */
  onHeartbeats(heartbeats: ReceivedHeartbeat[]): void;
  /** Heartbeats may have been missed: re-read the server's view. */
  onResync(): void;
  onUnauthorized(): void;
}

/** A KV put arrives on `$KV.<bucket>.<key>`; deletes carry this header. */
const KEY_PREFIX = `$KV.${BUCKET_AGENT_STATUS}.`;
const OPERATION_HEADER = "KV-Operation";
/** Renew this long before the ticket ends (and never later than 80% of its life). */
const RENEW_MARGIN_MS = 60_000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function operationOf(msg: Msg): "PUT" | "DEL" | "PURGE" {
  const operation = msg.headers?.get(OPERATION_HEADER);
  return operation === "DEL" || operation === "PURGE" ? operation : "PUT";
}

class Unauthorized extends Error {
  override readonly name = "Unauthorized";
}

async function fetchCredentials(): Promise<LiveCredentials> {
  const response = await fetch("/api/live/credentials", { cache: "no-store" });
  if (response.status === 401) throw new Unauthorized("signed out");
  if (!response.ok) throw new Error(`live credentials: HTTP ${response.status}`);
  return (await response.json()) as LiveCredentials;
}

export function startLiveFeed(handlers: LiveFeedHandlers): () => void {
  const life = { stopped: false };
  // A function, not a field read: the flag flips while a loop awaits.
  const stopped = (): boolean => life.stopped;
  const connections = new Set<NatsConnection>();
  let pending: ReceivedHeartbeat[] = [];
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (!life.stopped && batch.length > 0) handlers.onHeartbeats(batch);
  };

  const receive = (msg: Msg): void => {
    if (life.stopped || !msg.subject.startsWith(KEY_PREFIX)) return;
    try {
      const heartbeat = decodeHeartbeatEntry({
        key: msg.subject.slice(KEY_PREFIX.length),
        operation: operationOf(msg),
        value: msg.data,
      });
      if (heartbeat.kind !== "put") return;
      pending.push({ status: heartbeat.status, receivedAtMs: Date.now() });
    } catch {
      return; // A malformed or mislabelled heartbeat: the server logs it.
    }
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(flush);
    }
  };

  async function open(credentials: LiveCredentials): Promise<NatsConnection> {
    const nc = await wsconnect({
      servers: credentials.servers,
      token: credentials.ticket,
      name: "fleet-dashboard",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    connections.add(nc);
    void nc.closed().then(() => connections.delete(nc));
    nc.subscribe(credentials.subject, {
      callback: (error, msg) => {
        if (!error) receive(msg);
      },
    });
    await nc.flush();
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === "disconnect") handlers.onState("disconnected");
        if (status.type === "reconnect") {
          handlers.onState("live");
          handlers.onResync();
        }
      }
    })();
    return nc;
  }

  const renewIn = (credentials: LiveCredentials): number => {
    const left = credentials.expiresAt - Date.now();
    return Math.max(1000, Math.min(left - RENEW_MARGIN_MS, left * 0.8));
  };

  /** Keeps one live connection until it closes for good; renews its ticket on the way. */
  async function session(): Promise<void> {
    let credentials = await fetchCredentials();
    let current = await open(credentials);
    handlers.onState("live");
    // The page's first view was read before this subscription existed (and, after
    // a gap, heartbeats were missed): re-read it, so nothing sent in between is lost.
    handlers.onResync();
    for (;;) {
      const closed = current.closed().then(() => "closed" as const);
      const outcome = await Promise.race([closed, delay(renewIn(credentials)).then(() => "renew")]);
      if (outcome === "closed" || stopped()) return;
      credentials = await fetchCredentials();
      const next = await open(credentials);
      // Both were subscribed for a moment: a heartbeat seen twice is applied twice, harmlessly.
      await current.close();
      current = next;
    }
  }

  void (async () => {
    while (!stopped()) {
      handlers.onState("connecting");
      try {
        await session();
      } catch (error) {
        if (error instanceof Unauthorized) {
          life.stopped = true;
          handlers.onUnauthorized();
        }
      }
      await Promise.all([...connections].map((nc) => nc.close().catch(() => undefined)));
      if (stopped()) return;
      handlers.onState("disconnected");
      await delay(2000);
    }
  })();

  return () => {
    life.stopped = true;
    for (const nc of connections) void nc.close().catch(() => undefined);
  };
}

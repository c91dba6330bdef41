// The browser's live connection: NATS over websocket with the read-only viewer
// credential, one wildcard watch on agent-status. Heartbeats are batched per
// animation frame and pushed into the TanStack Query cache by the caller.
import { decodeAgentStatus, type AgentStatus } from "@fleet/contracts";
import { Kvm } from "@nats-io/kv";
import { wsconnect, type NatsConnection } from "@nats-io/nats-core";
import type { LiveCredentials } from "../server/live-credentials";

export type LiveState = "connecting" | "live" | "disconnected";

export interface LiveFeedHandlers {
  onState(state: LiveState): void;
  onHeartbeats(statuses: AgentStatus[]): void;
  onUnauthorized(): void;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function startLiveFeed(handlers: LiveFeedHandlers): () => void {
  const life = { stopped: false };
  // A function, not a field read: the flag flips while a loop awaits.
  const stopped = (): boolean => life.stopped;
  let connection: NatsConnection | undefined;
  let pending: AgentStatus[] = [];
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (!life.stopped && batch.length > 0) handlers.onHeartbeats(batch);
  };

  async function session(): Promise<void> {
    const response = await fetch("/api/live/credentials", { cache: "no-store" });
    if (response.status === 401) {
      handlers.onUnauthorized();
      life.stopped = true;
      return;
    }
    if (!response.ok) throw new Error(`live credentials: HTTP ${response.status}`);
    const credentials = (await response.json()) as LiveCredentials;
    connection = await wsconnect({
      servers: credentials.servers,
      user: credentials.user,
      pass: credentials.pass,
      name: "fleet-dashboard",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    const nc = connection;
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === "disconnect") handlers.onState("disconnected");
        if (status.type === "reconnect") handlers.onState("live");
      }
    })();
    const kv = await new Kvm(nc).open(credentials.bucket);
    const watcher = await kv.watch({ key: credentials.filter });
    handlers.onState("live");
    for await (const entry of watcher) {
      if (life.stopped) break;
      if (entry.operation !== "PUT") continue;
      try {
        pending.push(decodeAgentStatus(entry.value));
      } catch {
        continue; // A malformed heartbeat is the agent's bug; the server logs it.
      }
      if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(flush);
      }
    }
  }

  void (async () => {
    while (!stopped()) {
      handlers.onState("connecting");
      try {
        await session();
      } catch {
        // Fall through to the retry below.
      }
      await connection?.close().catch(() => undefined);
      connection = undefined;
      if (stopped()) return;
      handlers.onState("disconnected");
      await delay(2000);
    }
  })();

  return () => {
    life.stopped = true;
    void connection?.close().catch(() => undefined);
  };
}

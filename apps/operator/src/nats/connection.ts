// The operator's NATS connection, never left dead. nats.js reconnects by
// itself after an outage (an operator outlives NATS outages), but closes a
// connection for good in some cases: the same auth error twice in a row (a
// revoked credential, or one rotated before the server knew it). Then a FRESH
// connection is opened (re-reading the credentials file), and `onConnected`
// gets it, like after a reconnect, so KV buckets and watches are reopened.
// `health()` says why NATS is unusable meanwhile (for /readyz).
import { readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { OPERATOR_INBOX_PREFIX } from "@fleet/contracts";
import { Backoff } from "@fleet/runtime";
import {
  connect,
  credsAuthenticator,
  type ConnectionOptions,
  type NatsConnection,
} from "@nats-io/transport-node";
import { describeError } from "../errors.js";
import type { Logger } from "../logger.js";

export interface NatsHealth {
  up: boolean;
  /** What the connection is doing and why, for /readyz and people. */
  reason: string;
}

export interface OperatorNats {
  /** The connection in use (after a fresh one is opened, that one). */
  connection(): NatsConnection;
  health(): NatsHealth;
  /** Drains the connection and stops opening fresh ones. */
  close(): Promise<void>;
}

/** Between attempts to open a fresh connection. */
const RETRY = { initialMs: 1000, maxMs: 10_000 };

function options(
  servers: string[],
  credentialsFile: string | undefined,
  name: string,
): ConnectionOptions {
  return {
    servers,
    // A function, so a rotated Secret is picked up at the next (re)connect.
    ...(credentialsFile !== undefined && {
      authenticator: credsAuthenticator(() => readFileSync(credentialsFile)),
    }),
    name,
    // Its NATS permissions allow replies and watch deliveries under this prefix only.
    inboxPrefix: OPERATOR_INBOX_PREFIX,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    pingInterval: 10_000,
  };
}

/**
 * Connects (waiting for NATS on the first connect), then keeps a usable
 * connection: `onConnected(nc)` runs after every reconnect and on every fresh
 * connection that replaces a closed one.
 */
export async function connectNats(
  servers: string[],
  credentialsFile: string | undefined,
  log: Logger,
  onConnected: (nc: NatsConnection) => void,
  /** The connection's name in nats-server's monitoring (connz). */
  name = "iot-operator",
): Promise<OperatorNats> {
  let current = await connect({
    ...options(servers, credentialsFile, name),
    waitOnFirstConnect: true,
  });
  let health: NatsHealth = { up: true, reason: "connected to NATS" };
  let stopped = false;
  // A function, not the variable: it flips while the loops below await.
  const isStopped = (): boolean => stopped;
  const down = (reason: string, error?: unknown): void => {
    health = { up: false, reason };
    log.warn({ err: error === undefined ? undefined : describeError(error) }, reason);
  };
  log.info(
    { server: current.getServer(), credentials: credentialsFile ?? "none (anonymous)" },
    "connected to NATS",
  );

  const follow = async (nc: NatsConnection): Promise<void> => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect") {
        down("disconnected from NATS; reconnecting");
      } else if (status.type === "reconnect") {
        health = { up: true, reason: "connected to NATS" };
        log.info({ server: status.server }, "NATS reconnected");
        onConnected(nc);
      }
    }
  };

  const keep = async (): Promise<void> => {
    const backoff = new Backoff(RETRY);
    for (;;) {
      const error = await current.closed();
      if (isStopped()) return;
      down(
        `NATS connection closed${error ? `: ${error.message}` : ""}; opening a fresh one`,
        error,
      );
      for (;;) {
        await delay(backoff.next());
        if (isStopped()) return;
        try {
          current = await connect(options(servers, credentialsFile, name));
          backoff.reset();
          break;
        } catch (error) {
          down(`cannot connect to NATS: ${describeError(error)}`, error);
        }
      }
      health = { up: true, reason: "connected to NATS" };
      log.info({ server: current.getServer() }, "opened a fresh NATS connection");
      void follow(current);
      onConnected(current);
    }
  };

  void follow(current);
  void keep();
  return {
    connection: () => current,
    health: () => health,
    close: async () => {
      stopped = true;
      await current.drain().catch(() => undefined);
    },
  };
}

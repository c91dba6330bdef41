// A server-side NATS connection that is never left dead. nats.js reconnects by
// itself after a network blip, but closes a connection for good in some cases
// (the same auth error twice in a row: a revoked or rotated credential, or a
// kicked client whose credential no longer works). Then this opens a FRESH
// connection (re-reading the credentials file) and hands it to `onOpen` again,
// which re-opens KV and watches. `health()` says why it is down meanwhile.
import { readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { Backoff } from "@fleet/runtime";
import { connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";

export interface NatsHealth {
  up: boolean;
  /** For people reading /api/readyz: what the connection is doing and why. */
  reason: string;
}

export interface KeptConnectionOptions {
  /** Shown by nats-server (connz) and in logs. */
  name: string;
  servers: string[];
  /** A NATS .creds file; re-read at every (re)connect, so a rotated Secret needs no restart. */
  credentialsFile?: string | undefined;
  log: Logger;
  /** Waits between fresh connections: doubling from baseRetryMs up to maxRetryMs, with jitter. */
  baseRetryMs?: number;
  maxRetryMs?: number;
}

const message = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export class KeptConnection {
  #current: NatsConnection | undefined;
  #health: NatsHealth = { up: false, reason: "connecting to NATS" };
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly options: KeptConnectionOptions,
    /** Sets up subscriptions and watches on each fresh connection; a throw closes it and retries. */
    private readonly onOpen: (nc: NatsConnection) => Promise<void>,
  ) {}

  start(): this {
    this.#loop ??= this.#run();
    return this;
  }

  health(): NatsHealth {
    return this.#health;
  }

  /** The live connection, or undefined while a fresh one is being opened. */
  connection(): NatsConnection | undefined {
    return this.#current?.isClosed() === false ? this.#current : undefined;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#current?.close().catch(() => undefined);
    await this.#loop;
  }

  /** A method, not the field: the field flips while the loop awaits. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  #down(reason: string, error?: unknown): void {
    this.#health = { up: false, reason };
    this.options.log.warn({ connection: this.options.name, err: error }, reason);
  }

  async #run(): Promise<void> {
    const { baseRetryMs = 500, maxRetryMs = 5000 } = this.options;
    const backoff = new Backoff({ initialMs: baseRetryMs, maxMs: maxRetryMs });
    while (!this.#isStopped()) {
      const opened = await this.#session();
      if (this.#isStopped()) return;
      if (opened) backoff.reset();
      await delay(backoff.next());
    }
  }

  /** One connection's life; true when it was up at some point. */
  async #session(): Promise<boolean> {
    const { name, servers, credentialsFile } = this.options;
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers,
        name,
        ...(credentialsFile !== undefined && {
          authenticator: credsAuthenticator(() => readFileSync(credentialsFile)),
        }),
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
      });
    } catch (error) {
      this.#down(`cannot connect to NATS: ${message(error)}`, error);
      return false;
    }
    this.#current = nc;
    const closed = nc.closed();
    try {
      await this.onOpen(nc);
    } catch (error) {
      this.#down(`NATS connection unusable: ${message(error)}`, error);
      await nc.close().catch(() => undefined);
      return false;
    }
    this.#health = { up: true, reason: "connected to NATS" };
    this.options.log.info({ connection: name, server: nc.getServer() }, "connected to NATS");
    void this.#follow(nc);
    const error = await closed;
    if (!this.#isStopped()) {
      this.#down(
        `NATS connection closed${error ? `: ${error.message}` : ""}; opening a fresh one`,
        error,
      );
    }
    return true;
  }

  async #follow(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === "disconnect") {
        this.#down("disconnected from NATS; reconnecting");
      } else if (status.type === "reconnect") {
        this.#health = { up: true, reason: "connected to NATS" };
        this.options.log.info({ connection: this.options.name }, "reconnected to NATS");
      }
    }
  }
}

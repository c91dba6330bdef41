// One simulated client of a reconnect storm: a NATS connection with the
// agent's connect options (apps/agent/src/nats/session.ts: reconnect forever
// every 1 s; when the client gives up, e.g. after two refusals in a row, a
// fresh connection after a 500 ms-and-doubling backoff). It records when it was
// last (re)connected, so a storm's figures are the clients' own timestamps.
import { Backoff } from "@fleet/runtime";
import { connect, type Authenticator, type NatsConnection } from "@nats-io/transport-node";
import { setTimeout as delay } from "node:timers/promises";

export interface StormClientOptions {
  servers: string;
  name: string;
  authenticator: Authenticator;
  inboxPrefix?: string;
}

export class StormClient {
  /** performance.now() of the latest (re)connect; 0 before the first. */
  connectedAt = 0;
  connected = false;
  /** Connections refused or closed (a new one was opened after each). */
  failures = 0;
  /** The latest status events, for a report on a client that did not come back. */
  readonly events: string[] = [];
  #nc: NatsConnection | undefined;
  #stopped = false;
  #life: Promise<void> = Promise.resolve();

  private constructor(private readonly options: StormClientOptions) {}

  /** Resolves once connected the first time (rejects, leaving nothing running, if not); reconnects on its own until close(). */
  static async open(options: StormClientOptions): Promise<StormClient> {
    const client = new StormClient(options);
    client.#life = client.#live(await client.#connect());
    return client;
  }

  async #connect(): Promise<NatsConnection> {
    const nc = await connect({
      servers: this.options.servers,
      name: this.options.name,
      authenticator: this.options.authenticator,
      ...(this.options.inboxPrefix === undefined ? {} : { inboxPrefix: this.options.inboxPrefix }),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      timeout: 5_000,
    });
    this.#nc = nc;
    this.#up();
    void this.#follow(nc);
    return nc;
  }

  #up(): void {
    this.connected = true;
    this.connectedAt = performance.now();
  }

  async #follow(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      this.events.push(status.type === "error" ? `error: ${status.error.message}` : status.type);
      if (this.events.length > 8) this.events.shift();
      if (status.type === "disconnect") this.connected = false;
      else if (status.type === "reconnect") this.#up();
    }
  }

  async #live(first: NatsConnection): Promise<void> {
    let nc: NatsConnection | undefined = first;
    const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
    while (!this.#isStopped()) {
      if (nc !== undefined) {
        await nc.closed();
        this.connected = false;
        if (this.#isStopped()) return;
        this.failures += 1;
      }
      await delay(backoff.next());
      if (this.#isStopped()) return;
      nc = await this.#connect().catch(() => {
        this.failures += 1;
        return undefined;
      });
      if (nc !== undefined) backoff.reset();
      if (this.#isStopped()) await nc?.close();
    }
  }

  /** A method, not the field, so a check after an await is not narrowed away. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  async close(): Promise<void> {
    this.#stopped = true;
    await this.#nc?.close();
    await this.#life;
  }
}

// The agent's NATS connection. Connecting is retried with backoff forever (and
// logged), since a device may boot long before its uplink works; once
// connected, nats.js reconnects by itself and every (re)connect re-opens the
// buckets and calls `onReady`, which re-establishes the watch and republishes.
import { setTimeout as delay } from "node:timers/promises";
import { BUCKET_AGENT_STATUS, BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { Backoff } from "@fleet/runtime";
import { Kvm, type KV } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { isAborted } from "../abort.js";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import type { CredentialSource } from "./credentials.js";

export interface Buckets {
  desired: KV;
  status: KV;
}

export interface NatsSessionOptions {
  servers: string[];
  credentials: CredentialSource;
  name: string;
  logger: Logger;
  signal: AbortSignal;
  /** After the first connect and after every reconnect, once the buckets are open. */
  onReady: (buckets: Buckets) => void;
}

export class NatsSession {
  readonly #options: NatsSessionOptions;
  #connection: NatsConnection | undefined;
  /** False between a disconnect and the next reconnect: nothing is published then. */
  #connected = false;
  #buckets: Buckets | undefined;
  /** Bumped on every (re)connect so an older bucket-opening loop gives up. */
  #generation = 0;

  constructor(options: NatsSessionOptions) {
    this.#options = options;
  }

  /** The agent-status bucket while connected. */
  get statusBucket(): KV | undefined {
    return this.#connected ? this.#buckets?.status : undefined;
  }

  /** Connects (retrying forever) and keeps the session up until the signal aborts. */
  async run(): Promise<void> {
    const { servers, credentials, name, logger, signal } = this.#options;
    const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
    while (!signal.aborted) {
      let nc: NatsConnection;
      try {
        const authenticator = credentials.authenticator();
        nc = await connect({
          servers,
          name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 1_000,
          timeout: 5_000,
          // Notice a silently dead link (no TCP reset) within ~30 s.
          pingInterval: 10_000,
          maxPingOut: 3,
          ...(authenticator === undefined ? {} : { authenticator }),
        });
      } catch (error) {
        const retryInMs = backoff.next();
        logger.warn(
          { servers, attempt: backoff.attempts, retryInMs, err: messageOf(error) },
          "cannot reach NATS; retrying",
        );
        await delay(retryInMs, undefined, { signal }).catch(() => undefined);
        continue;
      }
      backoff.reset();
      this.#connection = nc;
      this.#connected = true;
      logger.info(
        { server: nc.getServer(), credentials: credentials.describe() },
        "connected to NATS",
      );
      void this.#followStatus(nc);
      void this.#openBuckets(nc);
      const closed = await nc.closed();
      this.#connected = false;
      this.#buckets = undefined;
      if (!isAborted(signal))
        logger.warn(
          { err: closed ? messageOf(closed) : undefined },
          "NATS connection closed; reconnecting",
        );
    }
  }

  async #followStatus(nc: NatsConnection): Promise<void> {
    const { logger } = this.#options;
    for await (const status of nc.status()) {
      if (status.type === "disconnect") {
        this.#connected = false;
        logger.warn(
          { server: status.server },
          "disconnected from NATS; containers keep running, reconnecting",
        );
      } else if (status.type === "reconnecting") {
        logger.debug("reconnecting to NATS");
      } else if (status.type === "reconnect") {
        this.#connected = true;
        logger.info({ server: status.server }, "reconnected to NATS");
        void this.#openBuckets(nc);
      }
    }
  }

  /** Opens (or, on the local platform, creates) both buckets, retrying until it works. */
  async #openBuckets(nc: NatsConnection): Promise<void> {
    const { logger, signal, onReady } = this.#options;
    const generation = ++this.#generation;
    const backoff = new Backoff({ initialMs: 250, maxMs: 10_000 });
    while (!signal.aborted && !nc.isClosed() && generation === this.#generation) {
      try {
        const kvm = new Kvm(nc);
        const buckets = {
          desired: await kvm.create(BUCKET_DESIRED_STATE),
          status: await kvm.create(BUCKET_AGENT_STATUS),
        };
        if (generation !== this.#generation) return;
        this.#buckets = buckets;
        onReady(buckets);
        return;
      } catch (error) {
        // Right after a server restart JetStream may still be recovering.
        const retryInMs = backoff.next();
        logger.warn({ retryInMs, err: messageOf(error) }, "cannot open KV buckets yet; retrying");
        await delay(retryInMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Drains the connection (pending publishes are flushed first). */
  async close(): Promise<void> {
    const nc = this.#connection;
    if (nc !== undefined && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  }
}

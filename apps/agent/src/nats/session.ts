// The agent's NATS connection. Connecting is retried with backoff forever (and
// logged), since a device may boot long before its uplink works; once
// connected, nats.js reconnects by itself and every (re)connect re-opens the
// buckets and calls `onReady`, which re-establishes the watch and republishes.
//
// The identity's access token is fetched before connecting and renewed in the
// background. The server ends the connection when the token expires (the
// callout's user JWT expires with it) or refuses a token: nats.js reconnects
// with the newest token, and if it gives up, the loop here connects again
// once a fresh one is at hand.
import { setTimeout as delay } from "node:timers/promises";
import { BUCKET_AGENT_STATUS } from "@fleet/contracts";
import { Backoff } from "@fleet/runtime";
import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import {
  AuthorizationError,
  connect,
  UserAuthenticationExpiredError,
  type NatsConnection,
} from "@nats-io/transport-node";
import { isAborted } from "../abort.js";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import type { CredentialSource } from "./credentials.js";

export interface Buckets {
  /** The desired-state watch runs its own consumer on the device's keys. */
  js: JetStreamClient;
  status: KV;
}

/** The server refused the credential, or ended a connection whose credential expired. */
function isAuthError(error: unknown): boolean {
  return error instanceof AuthorizationError || error instanceof UserAuthenticationExpiredError;
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
    const refreshing = credentials.keepFresh(signal);
    while (!signal.aborted) {
      if (!(await credentials.ready(signal))) break;
      let nc: NatsConnection;
      try {
        nc = await connect({
          servers,
          name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 1_000,
          timeout: 5_000,
          // Notice a silently dead link (TCP open, nothing passing) within 10-15 s: no PONG for
          // two pings 5 s apart. No later than the operator's default offline window (3 x 5 s
          // heartbeats); 10 s x 3 took 31 s in the fault suite's half-open link.
          pingInterval: 5_000,
          maxPingOut: 2,
          // Only the servers this device was given. A cluster gossips its nodes' own client
          // addresses: internal ones a device cannot reach, and that would go around the
          // device's uplink (found by the fault suite: a device cut off from its link went
          // straight to another node in 36 ms).
          ignoreClusterUpdates: true,
          authenticator: credentials.authenticator(),
          inboxPrefix: credentials.inboxPrefix,
        });
      } catch (error) {
        const refused = isAuthError(error);
        if (refused) credentials.refused();
        const retryInMs = backoff.next();
        logger.warn(
          { servers, attempt: backoff.attempts, retryInMs, err: messageOf(error) },
          refused
            ? "NATS refused this device's credential; retrying"
            : "cannot reach NATS; retrying",
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
    await refreshing;
  }

  async #followStatus(nc: NatsConnection): Promise<void> {
    const { logger } = this.#options;
    /** The server said why it ends the connection (the token expired, or was refused). */
    let endedCredential = false;
    for await (const status of nc.status()) {
      if (status.type === "disconnect") {
        this.#connected = false;
        if (endedCredential)
          logger.info({ server: status.server }, "reconnecting to NATS with a fresh token");
        else
          logger.warn(
            { server: status.server },
            "disconnected from NATS; containers keep running, reconnecting",
          );
        endedCredential = false;
      } else if (status.type === "reconnecting") {
        logger.debug("reconnecting to NATS");
      } else if (status.type === "error" && isAuthError(status.error)) {
        // Expected once per token lifetime: the server ends the connection at the token's expiry.
        endedCredential = true;
        this.#options.credentials.refused();
        logger.info({ reason: messageOf(status.error) }, "NATS ended this device's credential");
      } else if (status.type === "reconnect") {
        this.#connected = true;
        logger.info({ server: status.server }, "reconnected to NATS");
        void this.#openBuckets(nc);
      }
    }
  }

  /** Binds to the buckets (a device may not create or inspect them), retrying until it works. */
  async #openBuckets(nc: NatsConnection): Promise<void> {
    const { logger, signal, onReady } = this.#options;
    const generation = ++this.#generation;
    const backoff = new Backoff({ initialMs: 250, maxMs: 10_000 });
    while (!signal.aborted && !nc.isClosed() && generation === this.#generation) {
      try {
        const js = jetstream(nc);
        const buckets = { js, status: await new Kvm(js).open(BUCKET_AGENT_STATUS) };
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

// Revocation of NATS users (devices and browser sessions): each user name is
// queued, its live connections are looked up and kicked on every server, and
// the sweep is repeated once a little later, for a connection that another
// replica admitted a moment before it heard of the change. A sweep that
// cannot run (system account away) is retried with backoff.
import { KeyedQueue, type Logger } from "@fleet/runtime";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Metrics } from "../metrics.js";
import { kickUser } from "./connection-kicker.js";

/** The second sweep, after admissions that raced the change have completed. */
export const SECOND_SWEEP_MS = 1000;

export class Revoker {
  readonly #queue: KeyedQueue;

  constructor(
    system: () => NatsConnection | undefined,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {
    this.#queue = new KeyedQueue(
      async (user) => {
        const report = await kickUser(system(), user);
        metrics.kicks.inc({ result: "kicked" }, report.kicked);
        if (report.failed > 0) metrics.kicks.inc({ result: "failed" }, report.failed);
        if (report.kicked > 0 || report.failed > 0) {
          log.info({ user, ...report }, "revoked live connections");
        }
      },
      {
        retry: { initialMs: 200, maxMs: 5000 },
        concurrency: 8,
        onFailure: (user, error, run) => {
          log.warn({ user, err: error, ...run }, "revocation sweep failed; retrying");
        },
      },
    );
  }

  /** Closes every live connection of `user` (now, and once more a moment later). */
  revoke(user: string): void {
    this.log.debug({ user }, "revoking");
    this.#queue.add(user);
    this.#queue.addAfter(user, SECOND_SWEEP_MS);
  }

  /** Resolves when no sweep is waiting or running (tests). */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  stop(): void {
    this.#queue.stop();
  }
}

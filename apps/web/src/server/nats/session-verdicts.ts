// The dashboard's word on its sessions (sign-out, role change), published on
// NATS for every identity-service replica, which refuses the session's later
// tickets and closes its live connections. This replica also remembers what it
// decided itself, so a copied cookie of a signed-out session gets no ticket here.
import { BROWSER_AUTH_SESSIONS_SUBJECT, type SessionVerdict } from "@fleet/contracts";
import { KeptConnection, type NatsHealth } from "@fleet/nats";
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";

const MAX_SESSIONS = 100_000;

export class SessionVerdictPublisher {
  readonly #link: KeptConnection;
  readonly #decided = new LRUCache<string, Pick<SessionVerdict, "role">>({ max: MAX_SESSIONS });

  constructor(
    nats: { servers: string[]; credentialsFile?: string | undefined },
    private readonly log: Logger,
  ) {
    this.#link = new KeptConnection({ name: "fleet-web-sessions", ...nats, log }, () =>
      Promise.resolve(),
    );
  }

  start(): this {
    this.#link.start();
    return this;
  }

  health(): NatsHealth {
    return this.#link.health();
  }

  /** The role this replica last gave a session (null: over; undefined: no word yet). */
  knownRole(sessionId: string): SessionVerdict["role"] | undefined {
    return this.#decided.get(sessionId)?.role;
  }

  /** Remembers the verdict and tells the identity service; resolves once NATS has it. */
  async decide(verdict: SessionVerdict): Promise<void> {
    const ttl = verdict.until - Date.now();
    if (ttl > 0) this.#decided.set(verdict.sessionId, { role: verdict.role }, { ttl });
    const nc = this.#link.connection();
    if (!nc) {
      this.log.warn({ session: verdict.sessionId }, "verdict not published: NATS is away");
      return;
    }
    nc.publish(BROWSER_AUTH_SESSIONS_SUBJECT, JSON.stringify(verdict));
    await nc.flush();
  }

  async stop(): Promise<void> {
    await this.#link.stop();
  }
}

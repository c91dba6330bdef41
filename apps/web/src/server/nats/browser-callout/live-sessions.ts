// What the callout responder knows about dashboard sessions: which browser
// connections it admitted for each (server id + client id, to kick them), and
// the dashboard's latest word on each session: "only tickets with role R", or
// "over" (signed out, or the refresh found no role). Bounded: entries go when
// their tickets or sessions have expired, and each map has a hard cap.
import type { Role } from "../../auth/roles";
import type { BrowserTicketClaims } from "./ticket";

export interface AdmittedConnection {
  serverId: string;
  /** nats-server's client id (cid) on that server. */
  cid: number;
  role: Role;
  /** Epoch ms: the connection's user JWT expires then, so it needs no kick after. */
  expiresAt: number;
}

/** The dashboard's latest word on a session. */
export interface SessionVerdict {
  sessionId: string;
  /** null: the session is over; otherwise the only role its tickets may carry. */
  role: Role | null;
  /** Epoch ms until which the verdict matters (the session's end). */
  until: number;
}

const MAX_SESSIONS = 100_000;
const MAX_CONNECTIONS_PER_SESSION = 64;
const PRUNE_EVERY_MS = 10_000;

export class LiveSessions {
  readonly #verdicts = new Map<string, { role: Role | null; until: number }>();
  readonly #connections = new Map<string, AdmittedConnection[]>();
  #prunedAt = 0;

  /** Why this ticket must not connect, or undefined when it may. */
  refusal(claims: BrowserTicketClaims, now: number): string | undefined {
    this.#prune(now);
    const verdict = this.#verdicts.get(claims.sessionId);
    if (!verdict || verdict.until <= now) return undefined;
    if (verdict.role === null) return "the session has ended";
    if (verdict.role !== claims.role) return "the session's role has changed";
    return undefined;
  }

  admit(sessionId: string, connection: AdmittedConnection, now: number): void {
    this.#prune(now);
    const list = this.#connections.get(sessionId) ?? [];
    if (!this.#connections.has(sessionId) && this.#connections.size >= MAX_SESSIONS) {
      // Forget the oldest session: its connections then simply live to their expiry.
      const oldest = this.#connections.keys().next().value;
      if (oldest !== undefined) this.#connections.delete(oldest);
    }
    list.push(connection);
    if (list.length > MAX_CONNECTIONS_PER_SESSION) list.shift();
    this.#connections.set(sessionId, list);
  }

  /** The role the dashboard last gave this session, if it said anything yet. */
  knownRole(sessionId: string, now: number): Role | null | undefined {
    const verdict = this.#verdicts.get(sessionId);
    return verdict && verdict.until > now ? verdict.role : undefined;
  }

  /** Records a verdict; returns the admitted connections it no longer allows (to kick). */
  apply(verdict: SessionVerdict, now: number): AdmittedConnection[] {
    this.#prune(now);
    this.#verdicts.delete(verdict.sessionId);
    if (this.#verdicts.size >= MAX_SESSIONS) {
      const oldest = this.#verdicts.keys().next().value;
      if (oldest !== undefined) this.#verdicts.delete(oldest);
    }
    this.#verdicts.set(verdict.sessionId, { role: verdict.role, until: verdict.until });
    const connections = this.#connections.get(verdict.sessionId) ?? [];
    const refused = connections.filter((c) => c.expiresAt > now && c.role !== verdict.role);
    const kept = connections.filter((c) => c.expiresAt > now && c.role === verdict.role);
    if (kept.length > 0) this.#connections.set(verdict.sessionId, kept);
    else this.#connections.delete(verdict.sessionId);
    return refused;
  }

  #prune(now: number): void {
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    for (const [id, verdict] of this.#verdicts) if (verdict.until <= now) this.#verdicts.delete(id);
    for (const [id, list] of this.#connections) {
      const live = list.filter((c) => c.expiresAt > now);
      if (live.length === 0) this.#connections.delete(id);
      else if (live.length !== list.length) this.#connections.set(id, live);
    }
  }
}

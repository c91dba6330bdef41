// The dashboard's latest word on each session, as heard on the verdict
// subject: "only tickets with role R" or "over" (signed out, or the refresh
// found no role). Bounded: a verdict is forgotten when its session ends, and
// the least recently used go first past the cap (their tickets then simply
// live to their expiry, at most 15 minutes).
import type { SessionVerdict } from "@fleet/contracts";
import { LRUCache } from "lru-cache";
import type { BrowserTicketClaims } from "./ticket.js";

const MAX_SESSIONS = 100_000;

export class SessionVerdicts {
  readonly #verdicts = new LRUCache<string, Pick<SessionVerdict, "role">>({ max: MAX_SESSIONS });

  /** Why this ticket must not connect, or undefined when it may. */
  refusal(claims: BrowserTicketClaims): "session-ended" | "session-role-changed" | undefined {
    const verdict = this.#verdicts.get(claims.sessionId);
    if (verdict === undefined) return undefined;
    if (verdict.role === null) return "session-ended";
    return verdict.role === claims.role ? undefined : "session-role-changed";
  }

  record(verdict: SessionVerdict, now: number): void {
    const ttl = verdict.until - now;
    if (ttl <= 0) this.#verdicts.delete(verdict.sessionId);
    else this.#verdicts.set(verdict.sessionId, { role: verdict.role }, { ttl });
  }
}

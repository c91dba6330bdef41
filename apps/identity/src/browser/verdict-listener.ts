// The dashboard's session verdicts (sign-out, role change), heard by every
// replica: each remembers it (later tickets of the session are refused) and
// asks for the session's connections under any other role to be closed.
import {
  BROWSER_AUTH_SESSIONS_SUBJECT,
  DASHBOARD_ROLES,
  SESSION_VERDICT_MAX_BYTES,
  sessionVerdictSchema,
  type SessionVerdict,
} from "@fleet/contracts";
import type { Logger } from "@fleet/runtime";
import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import type { Metrics } from "../metrics.js";
import { browserUserName } from "./admit-browser.js";
import type { SessionVerdicts } from "./session-verdicts.js";

export interface VerdictListenerOptions {
  verdicts: SessionVerdicts;
  /** Closes every live connection of a NATS user. */
  revoke: (user: string) => void;
  metrics: Metrics;
  log: Logger;
}

/** The NATS users a verdict ends: the session's connections under every other role. */
export function usersEndedBy(verdict: SessionVerdict): string[] {
  return DASHBOARD_ROLES.filter((role) => role !== verdict.role).map((role) =>
    browserUserName(verdict.sessionId, role),
  );
}

function parse(msg: Msg): SessionVerdict | undefined {
  if (msg.data.length > SESSION_VERDICT_MAX_BYTES) return undefined;
  try {
    const verdict = sessionVerdictSchema.safeParse(msg.json());
    return verdict.success ? verdict.data : undefined;
  } catch {
    return undefined;
  }
}

export function listenForVerdicts(
  nc: NatsConnection,
  options: VerdictListenerOptions,
): Subscription {
  const { verdicts, revoke, metrics, log } = options;
  return nc.subscribe(BROWSER_AUTH_SESSIONS_SUBJECT, {
    callback: (error, msg) => {
      if (error) return;
      const verdict = parse(msg);
      if (verdict === undefined) {
        metrics.verdictsReceived.inc({ result: "malformed" });
        log.warn({ bytes: msg.data.length }, "ignoring a malformed session verdict");
        return;
      }
      metrics.verdictsReceived.inc({ result: "applied" });
      verdicts.record(verdict, Date.now());
      for (const user of usersEndedBy(verdict)) revoke(user);
    },
  });
}

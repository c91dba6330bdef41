// The browser's credential for the live feed: a ticket for THIS session,
// valid at most 15 minutes and never past the session's end, that nats-server
// checks through the auth callout answered by the identity service
// (apps/identity). 401 once the session is gone (signed out, expired, or its
// refresh found no role), and then the identity service closes every
// connection of that session (the verdict published here).
import { BROWSER_HEARTBEAT_SUBJECT } from "@fleet/contracts";
import { logger } from "../logger";
import { refreshedUser } from "./auth/refresh";
import { session, type SessionData } from "./auth/session";
import { mintBrowserTicket } from "./nats/browser-tickets/ticket";
import { liveDecision, liveSessionId } from "./nats/live-session";
import { liveServices } from "./nats/live-services";
import { env } from "../env";

export interface LiveCredentials {
  servers: string[];
  /** The connection token; nats-server hands it to the auth callout. */
  ticket: string;
  /** Epoch ms; the connection ends then, so the browser renews before. */
  expiresAt: number;
  /** The only subject the connection may subscribe to. */
  subject: string;
}

const unauthorized = (): Response =>
  Response.json({ error: "Sign in to receive live updates" }, { status: 401 });

export async function liveCredentials(): Promise<Response> {
  const before = await session();
  const user = await refreshedUser();
  const { sessions, ticketKey } = liveServices();
  const sessionId = liveSessionId(before);
  const decision = liveDecision(
    before,
    user,
    sessionId === undefined ? undefined : sessions.knownRole(sessionId),
  );
  if (decision.verdict) await sessions.decide(decision.verdict);
  if (decision.kind === "refuse") return unauthorized();
  const { ticket, expiresAt } = await mintBrowserTicket(
    { sessionId: decision.sessionId, role: decision.role, sessionExpiresAt: decision.until },
    ticketKey,
  );
  const body: LiveCredentials = {
    servers: env()
      .NATS_WS_URL.split(",")
      .map((url) => url.trim()),
    ticket,
    expiresAt,
    subject: BROWSER_HEARTBEAT_SUBJECT,
  };
  return Response.json(body, { headers: { "cache-control": "no-store" } });
}

/** Sign-out: the session's live connections are kicked and its tickets refused. */
export async function revokeLiveCredentials(data: SessionData): Promise<void> {
  const sessionId = liveSessionId(data);
  if (sessionId === undefined || data.expiresAt === undefined) return;
  try {
    await liveServices().sessions.decide({ sessionId, role: null, until: data.expiresAt });
  } catch (error) {
    // Sign-out goes on: the tickets expire within 15 minutes anyway.
    logger().warn({ err: error }, "could not end the session's live connections");
  }
}

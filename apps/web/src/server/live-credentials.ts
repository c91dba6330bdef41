// The browser's credential for the live feed: a ticket for THIS session,
// valid at most 15 minutes and never past the session's end, that nats-server
// checks through the auth callout (nats/browser-callout). 401 once the session
// is gone (signed out, expired, or its refresh found no role), and then every
// connection of that session is kicked.
import { createHash } from "node:crypto";
import { logger } from "../logger";
import { refreshedUser } from "./auth/refresh";
import { session, type SessionData } from "./auth/session";
import { BROWSER_HEARTBEAT_SUBJECT } from "./nats/browser-callout/browser-user";
import { mintBrowserTicket } from "./nats/browser-callout/ticket";
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

/**
 * A stable id for one sign-in: the same across ID-token refreshes (the session's
 * end is fixed at sign-in), different for every sign-in. Not a secret: a ticket
 * is only valid with the dashboard's signature.
 */
export function liveSessionId(data: SessionData): string | undefined {
  if (data.user === undefined || data.expiresAt === undefined) return undefined;
  return createHash("sha256")
    .update(`${data.user.username}\n${String(data.expiresAt)}`)
    .digest("base64url")
    .slice(0, 32);
}

const unauthorized = (): Response =>
  Response.json({ error: "Sign in to receive live updates" }, { status: 401 });

export async function liveCredentials(): Promise<Response> {
  const before = await session();
  const sessionId = liveSessionId(before);
  const until = before.expiresAt;
  const user = await refreshedUser();
  const { browserAuth, ticketKey } = liveServices();
  if (!user || sessionId === undefined || until === undefined) {
    // The refresh may just have ended the session (no role any more): end its connections too.
    if (sessionId !== undefined && until !== undefined) {
      await browserAuth.decide({ sessionId, role: null, until });
    }
    return unauthorized();
  }
  // Signed out (on any replica that told this one): the cookie may have been copied.
  const known = browserAuth.knownRole(sessionId);
  if (known === null) return unauthorized();
  // The dashboard learns of role changes at each refresh; older tickets then stop working.
  if (known !== user.role) await browserAuth.decide({ sessionId, role: user.role, until });
  const { ticket, expiresAt } = await mintBrowserTicket(
    { sessionId, role: user.role, sessionExpiresAt: until },
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
    await liveServices().browserAuth.decide({ sessionId, role: null, until: data.expiresAt });
  } catch (error) {
    // Sign-out goes on: the tickets expire within 15 minutes anyway.
    logger().warn({ err: error }, "could not end the session's live connections");
  }
}

// A browser's websocket connection: its dashboard ticket verified, refused
// when the dashboard since said the session is over or has another role.
// Admitted as `browser:<session>:<role>` (so a later verdict finds exactly the
// connections it ends), read-only on heartbeats, until the ticket expires.
import { browserPermissions, type DashboardRole } from "@fleet/contracts";
import type { AuthorizationRequest } from "@nats-io/jwt";
import type { KeyObject } from "node:crypto";
import { refuse, type Decision } from "../callout/decision.js";
import { userClaimsOf } from "../callout/user-claims.js";
import type { SessionVerdicts } from "./session-verdicts.js";
import { isTicketRefusedError, verifyBrowserTicket } from "./ticket.js";

/** The live feed holds one subscription per connection. */
const BROWSER_MAX_SUBSCRIPTIONS = 1;

export const browserUserName = (sessionId: string, role: DashboardRole): string =>
  `browser:${sessionId}:${role}`;

export async function admitBrowser(
  request: AuthorizationRequest,
  ticket: string,
  options: { ticketPublicKey: KeyObject; verdicts: SessionVerdicts },
  now: number,
): Promise<Decision> {
  if (request.client_info.type !== "websocket") {
    return refuse("browser", "wrong-connection-type", "browser tickets are for websockets");
  }
  let claims;
  try {
    claims = await verifyBrowserTicket(ticket, options.ticketPublicKey, now);
  } catch (error) {
    if (!isTicketRefusedError(error)) throw error;
    return refuse("browser", "ticket-refused", error.message);
  }
  const refusal = options.verdicts.refusal(claims);
  if (refusal !== undefined) {
    return refuse("browser", refusal, `session ${claims.sessionId}: ${refusal}`);
  }
  return {
    admit: true,
    kind: "browser",
    name: browserUserName(claims.sessionId, claims.role),
    claims: userClaimsOf(browserPermissions(), {
      connectionTypes: ["WEBSOCKET"],
      maxSubscriptions: BROWSER_MAX_SUBSCRIPTIONS,
    }),
    expiresAt: claims.expiresAt,
    subject: claims.sessionId,
  };
}

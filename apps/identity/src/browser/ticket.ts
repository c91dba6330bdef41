// Verifies a browser ticket (contracts' browser-ticket.ts) with the
// dashboard's PUBLIC key only: signature, issuer, audience, expiry, and a
// lifetime of at most 15 minutes. The dashboard signs them (apps/web).
import type { KeyObject } from "node:crypto";
import {
  BROWSER_TICKET_ALGORITHM,
  BROWSER_TICKET_AUDIENCE,
  BROWSER_TICKET_ISSUER,
  browserTicketPayloadSchema,
  TICKET_MAX_LENGTH,
  TICKET_MAX_LIFETIME_MS,
  type DashboardRole,
} from "@fleet/contracts";
import { errors as joseErrors, jwtVerify } from "jose";

export interface BrowserTicketClaims {
  /** The dashboard session the ticket belongs to. */
  sessionId: string;
  role: DashboardRole;
  /** Epoch ms; the NATS user JWT expires then too. */
  expiresAt: number;
}

/** A ticket that must not open a connection; the message is safe to log, never the ticket. */
export class TicketRefusedError extends Error {
  override readonly name = "TicketRefusedError";
}

export function isTicketRefusedError(error: unknown): error is TicketRefusedError {
  return error instanceof TicketRefusedError;
}

/** Tickets may be issued this far in the future (clock skew between dashboard and here). */
const MAX_ISSUED_AHEAD_MS = 60_000;

/** Checks signature, issuer, audience, expiry and lifetime. Throws TicketRefusedError. */
export async function verifyBrowserTicket(
  ticket: string,
  publicKey: KeyObject,
  now: number = Date.now(),
): Promise<BrowserTicketClaims> {
  if (ticket.length > TICKET_MAX_LENGTH) throw new TicketRefusedError("ticket too long");
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(ticket, publicKey, {
      issuer: BROWSER_TICKET_ISSUER,
      audience: BROWSER_TICKET_AUDIENCE,
      algorithms: [BROWSER_TICKET_ALGORITHM],
      requiredClaims: ["sub", "iat", "exp"],
      currentDate: new Date(now),
      clockTolerance: 0,
    }));
  } catch (error) {
    const reason = error instanceof joseErrors.JOSEError ? error.code : "not a ticket";
    throw new TicketRefusedError(`ticket refused: ${reason}`, { cause: error });
  }
  const claims = browserTicketPayloadSchema.safeParse(payload);
  if (!claims.success) throw new TicketRefusedError("ticket refused: unexpected claims");
  const { sub, role, iat, exp } = claims.data;
  if ((exp - iat) * 1000 > TICKET_MAX_LIFETIME_MS) {
    throw new TicketRefusedError("ticket refused: lifetime above 15 minutes");
  }
  if (iat * 1000 > now + MAX_ISSUED_AHEAD_MS) {
    throw new TicketRefusedError("ticket refused: issued in the future");
  }
  return { sessionId: sub, role, expiresAt: exp * 1000 };
}

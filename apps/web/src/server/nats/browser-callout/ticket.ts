// The browser ticket: a short-lived JWT the dashboard signs (EdDSA) for one
// signed-in session, which the browser presents to nats-server as its
// connection token. The auth-callout responder verifies it with the public key
// only, so the responder can move into an identity service that never holds the
// dashboard's private key.
import type { KeyObject } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { ROLES, type Role } from "../../auth/roles";

/** A ticket (and so a browser's NATS connection) lives at most this long. */
export const TICKET_MAX_LIFETIME_MS = 15 * 60 * 1000;
/** Anything longer is not a ticket of ours; refused before any parsing. */
export const TICKET_MAX_LENGTH = 2048;
const ISSUER = "fleet-dashboard";
const AUDIENCE = "fleet-nats-browser";
const ALGORITHM = "EdDSA";

export interface BrowserTicketClaims {
  /** The dashboard session the ticket belongs to (see live-session.ts). */
  sessionId: string;
  role: Role;
  /** Epoch ms; the NATS user JWT expires then too. */
  expiresAt: number;
}

/** A ticket that must not open a connection; `reason` is safe to log, never the ticket. */
export class TicketRefusedError extends Error {
  override readonly name = "TicketRefusedError";
}

export function isTicketRefusedError(error: unknown): error is TicketRefusedError {
  return error instanceof TicketRefusedError;
}

const sessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "must be a session id");
const payloadSchema = z.object({
  sub: sessionIdSchema,
  role: z.enum(ROLES),
  iat: z.number().int(),
  exp: z.number().int(),
});

/**
 * Signs a ticket for one session, expiring after TICKET_MAX_LIFETIME_MS or when
 * the session ends, whichever is first.
 */
export async function mintBrowserTicket(
  input: { sessionId: string; role: Role; sessionExpiresAt: number },
  privateKey: KeyObject,
  now: number = Date.now(),
): Promise<{ ticket: string; expiresAt: number }> {
  sessionIdSchema.parse(input.sessionId);
  // JWT times are whole seconds: round the end down so it never passes the session's.
  const exp = Math.floor(Math.min(now + TICKET_MAX_LIFETIME_MS, input.sessionExpiresAt) / 1000);
  const iat = Math.floor(now / 1000);
  if (exp <= iat) throw new TicketRefusedError("the session is over");
  const ticket = await new SignJWT({ role: input.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(input.sessionId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(privateKey);
  return { ticket, expiresAt: exp * 1000 };
}

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
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [ALGORITHM],
      requiredClaims: ["sub", "iat", "exp"],
      currentDate: new Date(now),
      clockTolerance: 0,
    }));
  } catch (error) {
    const reason = error instanceof joseErrors.JOSEError ? error.code : "not a ticket";
    throw new TicketRefusedError(`ticket refused: ${reason}`, { cause: error });
  }
  const claims = payloadSchema.safeParse(payload);
  if (!claims.success) throw new TicketRefusedError("ticket refused: unexpected claims");
  const { sub, role, iat, exp } = claims.data;
  if ((exp - iat) * 1000 > TICKET_MAX_LIFETIME_MS) {
    throw new TicketRefusedError("ticket refused: lifetime above 15 minutes");
  }
  if (iat * 1000 > now + 60_000)
    throw new TicketRefusedError("ticket refused: issued in the future");
  return { sessionId: sub, role, expiresAt: exp * 1000 };
}

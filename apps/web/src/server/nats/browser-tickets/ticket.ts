// The browser ticket (contracts' browser-live.ts): a short-lived JWT the
// dashboard signs (EdDSA) for one signed-in session, which the browser
// presents to nats-server as its connection token. The identity service
// (apps/identity) verifies it with the public key only; the private key never
// leaves the dashboard.
import type { KeyObject } from "node:crypto";
import {
  BROWSER_TICKET_ALGORITHM,
  BROWSER_TICKET_AUDIENCE,
  BROWSER_TICKET_ISSUER,
  browserSessionIdSchema,
  TICKET_MAX_LIFETIME_MS,
} from "@fleet/contracts";
import { SignJWT } from "jose";
import type { Role } from "../../auth/roles";

/** No ticket can be minted for a session that is over. */
export class SessionOverError extends Error {
  override readonly name = "SessionOverError";
}

export function isSessionOverError(error: unknown): error is SessionOverError {
  return error instanceof SessionOverError;
}

/**
 * Signs a ticket for one session, expiring after TICKET_MAX_LIFETIME_MS or when
 * the session ends, whichever is first.
 */
export async function mintBrowserTicket(
  input: { sessionId: string; role: Role; sessionExpiresAt: number },
  privateKey: KeyObject,
  now: number = Date.now(),
): Promise<{ ticket: string; expiresAt: number }> {
  browserSessionIdSchema.parse(input.sessionId);
  // JWT times are whole seconds: round the end down so it never passes the session's.
  const exp = Math.floor(Math.min(now + TICKET_MAX_LIFETIME_MS, input.sessionExpiresAt) / 1000);
  const iat = Math.floor(now / 1000);
  if (exp <= iat) throw new SessionOverError("the session is over");
  const ticket = await new SignJWT({ role: input.role })
    .setProtectedHeader({ alg: BROWSER_TICKET_ALGORITHM, typ: "JWT" })
    .setIssuer(BROWSER_TICKET_ISSUER)
    .setAudience(BROWSER_TICKET_AUDIENCE)
    .setSubject(input.sessionId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(privateKey);
  return { ticket, expiresAt: exp * 1000 };
}

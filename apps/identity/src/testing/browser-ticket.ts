// Browser tickets for tests, signed like the dashboard signs them (the
// dashboard's own minting lives in apps/web); every claim can be bent to
// build the tickets the identity service must refuse.
import type { KeyObject } from "node:crypto";
import {
  BROWSER_TICKET_ALGORITHM,
  BROWSER_TICKET_AUDIENCE,
  BROWSER_TICKET_ISSUER,
  TICKET_MAX_LIFETIME_MS,
} from "@fleet/contracts";
import { SignJWT } from "jose";

export interface TestTicketInput {
  sessionId: string;
  /** A DashboardRole, or anything else to build a refused ticket. */
  role?: string;
  /** Issued at (epoch ms); now unless set. */
  issuedAt?: number;
  lifetimeMs?: number;
  issuer?: string;
  audience?: string;
}

export function signTestTicket(input: TestTicketInput, key: KeyObject): Promise<string> {
  const iat = Math.floor((input.issuedAt ?? Date.now()) / 1000);
  const exp = iat + Math.floor((input.lifetimeMs ?? TICKET_MAX_LIFETIME_MS) / 1000);
  return new SignJWT({ role: input.role ?? "viewer" })
    .setProtectedHeader({ alg: BROWSER_TICKET_ALGORITHM, typ: "JWT" })
    .setIssuer(input.issuer ?? BROWSER_TICKET_ISSUER)
    .setAudience(input.audience ?? BROWSER_TICKET_AUDIENCE)
    .setSubject(input.sessionId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
}

// A browser's live connection: the ticket and the session verdicts that the
// dashboard (apps/web) signs and publishes and the identity service
// (apps/identity) verifies and acts on, and the one subject the connection
// reads. The ticket is a short-lived JWT (EdDSA) for one signed-in session,
// which the browser presents to nats-server as its connection token; the
// identity service holds only the public half of the dashboard's key.
import { z } from "zod";
import { AGENT_STATUS_FILTER, BUCKET_AGENT_STATUS } from "./keys.js";

/** The one subject a browser may subscribe to: every device's heartbeat as it is put. */
export const BROWSER_HEARTBEAT_SUBJECT = `$KV.${BUCKET_AGENT_STATUS}.${AGENT_STATUS_FILTER}`;

/** The dashboard's roles, weakest first (Zitadel's role claim picks one). */
export const DASHBOARD_ROLES = ["viewer", "deployer"] as const;
export const dashboardRoleSchema = z.enum(DASHBOARD_ROLES);
export type DashboardRole = z.output<typeof dashboardRoleSchema>;

/** A ticket (and so a browser's NATS connection) lives at most this long. */
export const TICKET_MAX_LIFETIME_MS = 15 * 60 * 1000;
/** Anything longer is not a ticket; refused before any parsing. */
export const TICKET_MAX_LENGTH = 2048;
export const BROWSER_TICKET_ISSUER = "fleet-dashboard";
export const BROWSER_TICKET_AUDIENCE = "fleet-nats-browser";
export const BROWSER_TICKET_ALGORITHM = "EdDSA";

/** One dashboard sign-in, stable across ID-token refreshes (not a secret). */
export const browserSessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, "must be a session id");

/** The ticket's claims besides issuer and audience (checked by the JWT library). */
export const browserTicketPayloadSchema = z.object({
  sub: browserSessionIdSchema,
  role: dashboardRoleSchema,
  iat: z.number().int(),
  exp: z.number().int(),
});

/** A verdict is tiny; anything larger on the verdict subject is ignored unread. */
export const SESSION_VERDICT_MAX_BYTES = 1024;

/**
 * The dashboard's latest word on a session, published on
 * BROWSER_AUTH_SESSIONS_SUBJECT: only tickets with `role` may connect, or none
 * (`null`: signed out, or the refresh found no role). Connections opened under
 * another role are closed.
 */
export const sessionVerdictSchema = z.object({
  sessionId: browserSessionIdSchema,
  role: dashboardRoleSchema.nullable(),
  /** Epoch ms until which the verdict matters (the session's end). */
  until: z.number().int().positive(),
});
export type SessionVerdict = z.output<typeof sessionVerdictSchema>;

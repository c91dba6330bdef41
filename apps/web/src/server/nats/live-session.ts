// What the credentials endpoint does for one request, decided from the session
// as it was, the user after a refresh, and what this replica last heard about
// the session. Pure, so every branch is tested without a server.
import { createHash } from "node:crypto";
import type { Role } from "../auth/roles";
import type { SessionVerdict } from "@fleet/contracts";

/** The parts of the dashboard session this needs (see auth/session.ts). */
export interface LiveSessionData {
  user?: { username: string } | undefined;
  /** Epoch ms; fixed at sign-in, unchanged by refreshes. */
  expiresAt?: number | undefined;
}

/**
 * A stable id for one sign-in: the same across ID-token refreshes (the session's
 * end is fixed at sign-in), different for every sign-in. Not a secret: a ticket
 * is only valid with the dashboard's signature.
 */
export function liveSessionId(data: LiveSessionData): string | undefined {
  if (data.user === undefined || data.expiresAt === undefined) return undefined;
  return createHash("sha256")
    .update(`${data.user.username}\n${String(data.expiresAt)}`)
    .digest("base64url")
    .slice(0, 32);
}

export type LiveDecision =
  /** 401; `verdict` ends the session's connections (the refresh just ended it). */
  | { kind: "refuse"; verdict?: SessionVerdict }
  /** A ticket for this session; `verdict` first tells the responders of a new role. */
  | { kind: "mint"; sessionId: string; role: Role; until: number; verdict?: SessionVerdict };

export function liveDecision(
  before: LiveSessionData,
  user: { role: Role } | null,
  /** What this replica last heard: a role, null (session over) or undefined (nothing). */
  known: Role | null | undefined,
): LiveDecision {
  const sessionId = liveSessionId(before);
  const until = before.expiresAt;
  if (sessionId === undefined || until === undefined) return { kind: "refuse" };
  // The refresh may just have ended the session (no role any more): end its connections too.
  if (!user) return { kind: "refuse", verdict: { sessionId, role: null, until } };
  // Signed out (on any replica that told this one): the cookie may have been copied.
  if (known === null) return { kind: "refuse" };
  const mint = { kind: "mint" as const, sessionId, role: user.role, until };
  // The dashboard learns of role changes at each refresh; older tickets then stop working.
  return known === user.role ? mint : { ...mint, verdict: { sessionId, role: user.role, until } };
}

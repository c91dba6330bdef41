// When a session's user can act, when its ID token must be refreshed first, and
// what a sign-in or refresh writes into it. Pure: the clock is an argument.
import type { UserTokens } from "./oidc";
import type { SessionData } from "./session";
import { signedInUser, type SignedInUser } from "./signed-in-user";

/** A session lasts this long after sign-in, however often its ID token is refreshed. */
export const SESSION_TTL_MS = 8 * 3600 * 1000;
/** The ID token is refreshed once it has less than this left (ID tokens live 1 h). */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** A token this close to expiry is not sent: the API server's clock may be ahead. */
const CLOCK_SKEW_MS = 30 * 1000;

const sessionAlive = (data: SessionData, now: number): boolean =>
  data.user !== undefined && data.expiresAt !== undefined && data.expiresAt > now;

/** The user, while the session lasts and its ID token is still good to send. */
export function usableUser(data: SessionData, now: number): SignedInUser | undefined {
  if (!sessionAlive(data, now) || !data.user || !data.idToken) return undefined;
  if (data.idTokenExpiresAt === undefined || data.idTokenExpiresAt - now <= CLOCK_SKEW_MS)
    return undefined;
  return signedInUser(data.user, data.idToken);
}

/** True when the session lasts but its ID token should be refreshed before use. */
export function refreshDue(data: SessionData, now: number): boolean {
  return (
    sessionAlive(data, now) &&
    data.refreshToken !== undefined &&
    (data.idTokenExpiresAt ?? 0) - now < REFRESH_MARGIN_MS
  );
}

/** What a completed sign-in stores: the session's clock starts now. */
export function signedInSession(tokens: UserTokens, now: number): SessionData {
  return {
    user: tokens.user,
    idToken: tokens.idToken,
    idTokenExpiresAt: tokens.idTokenExpiresAt,
    refreshToken: tokens.refreshToken,
    expiresAt: now + SESSION_TTL_MS,
  };
}

/**
 * The session after a refresh, or undefined when it must end: the IdP answered
 * for another user (never expected, never accepted).
 */
export function refreshedSession(data: SessionData, tokens: UserTokens): SessionData | undefined {
  if (data.user?.username !== tokens.user.username) return undefined;
  return {
    ...data,
    user: tokens.user,
    idToken: tokens.idToken,
    idTokenExpiresAt: tokens.idTokenExpiresAt,
    refreshToken: tokens.refreshToken,
  };
}

// Refreshing a session's ID token where cookies can be written (route
// handlers). The IdP rotates refresh tokens (Zitadel does; the local IdP too),
// so a spent one is refused: concurrent requests of one session share a single
// refresh, and a request still carrying the old cookie a moment later gets the
// same result instead of spending the old token again.
import { createHash } from "node:crypto";
import { isNoRoleError, isSignInError } from "../../errors";
import { logger } from "../../logger";
import { refreshTokens, type UserTokens } from "./oidc";
import { session } from "./session";
import { refreshDue, refreshedSession, usableUser } from "./session-state";
import type { SignedInUser } from "./signed-in-user";

/** How long a refresh's result answers for the refresh token it spent. */
const REUSE_MS = 60 * 1000;

interface Flight {
  result: Promise<UserTokens>;
  settledAt?: number;
}

const flights = new Map<string, Flight>();

const keyOf = (refreshToken: string): string =>
  createHash("sha256").update(refreshToken).digest("base64url");

function forget(now: number): void {
  for (const [key, flight] of flights) {
    if (flight.settledAt !== undefined && now - flight.settledAt > REUSE_MS) flights.delete(key);
  }
}

/** One refresh per refresh token, however many requests ask at once. */
export function refreshOnce(
  refreshToken: string,
  refresh: (token: string) => Promise<UserTokens> = refreshTokens,
): Promise<UserTokens> {
  forget(Date.now());
  const key = keyOf(refreshToken);
  const existing = flights.get(key);
  if (existing) return existing.result;
  const flight: Flight = { result: refresh(refreshToken) };
  flights.set(key, flight);
  const settle = (): void => {
    flight.settledAt = Date.now();
  };
  void flight.result.then(settle, settle);
  return flight.result;
}

/**
 * The signed-in user for a route handler, with an ID token refreshed first when
 * it is near expiry; null (and the session ended) when that fails: the caller
 * answers 401 and the browser signs in again.
 */
export async function refreshedUser(): Promise<SignedInUser | null> {
  const data = await session();
  const now = Date.now();
  if (refreshDue(data, now) && data.refreshToken !== undefined) {
    try {
      const next = refreshedSession(data, await refreshOnce(data.refreshToken));
      if (!next) throw new Error("the IdP refreshed the session for another user");
      Object.assign(data, next);
      await data.save();
    } catch (error) {
      const known = isSignInError(error) || isNoRoleError(error);
      logger().warn(
        { err: known ? { message: error.message } : error, user: data.user?.username },
        "session refresh failed; signing out",
      );
      data.destroy();
      return null;
    }
  }
  return usableUser(data, Date.now()) ?? null;
}

// Sessions: encrypted (iron-session), httpOnly, SameSite=Lax cookies. One holds
// the signed-in user with their ID token (the bearer token the API server
// authenticates) and refresh token; a short-lived one holds the pending sign-in
// (PKCE verifier, state, nonce) between the redirect and the callback. Tokens
// stay in the cookie and on the server: pages get the user, never a token.
import { getIronSession, type IronSession, type SessionOptions } from "iron-session";
import { cookies } from "next/headers";
import { env } from "../../env";
import { SESSION_COOKIE_NAME } from "./cookie-names";
import type { SessionUser } from "./roles";
import { SESSION_TTL_MS, usableUser } from "./session-state";
import type { SignedInUser } from "./signed-in-user";

export interface SessionData {
  user?: SessionUser;
  idToken?: string;
  /** Epoch ms when the ID token expires (it is refreshed before). */
  idTokenExpiresAt?: number;
  refreshToken?: string;
  /** Epoch ms; the session ends then, refreshed or not (SESSION_TTL_MS after sign-in). */
  expiresAt?: number;
}

export interface PendingSignIn {
  codeVerifier?: string;
  state?: string;
  nonce?: string;
  returnTo?: string;
}

const PENDING_COOKIE = "fleet_signin";

function options(cookieName: string, maxAge: number): SessionOptions {
  const { SESSION_SECRET, DASHBOARD_URL } = env();
  return {
    cookieName,
    password: SESSION_SECRET,
    ttl: maxAge,
    cookieOptions: {
      httpOnly: true,
      sameSite: "lax",
      secure: DASHBOARD_URL?.startsWith("https:") ?? false,
      path: "/",
    },
  };
}

export async function session(): Promise<IronSession<SessionData>> {
  return getIronSession<SessionData>(
    await cookies(),
    options(SESSION_COOKIE_NAME, SESSION_TTL_MS / 1000),
  );
}

export async function pendingSignIn(): Promise<IronSession<PendingSignIn>> {
  return getIronSession<PendingSignIn>(await cookies(), options(PENDING_COOKIE, 600));
}

/**
 * The signed-in user with a usable ID token, or null. Never refreshes (server
 * components cannot set cookies): pages go through requireUser, route handlers
 * through refreshedUser (refresh.ts).
 */
export async function currentUser(): Promise<SignedInUser | null> {
  return usableUser(await session(), Date.now()) ?? null;
}

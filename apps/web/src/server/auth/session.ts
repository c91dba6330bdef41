// Sessions: encrypted (iron-session), httpOnly, SameSite=Lax cookies. One holds
// the signed-in user and ID token; a short-lived one holds the pending sign-in
// (PKCE verifier, state, nonce) between the redirect and the callback.
import { getIronSession, type IronSession, type SessionOptions } from "iron-session";
import { cookies } from "next/headers";
import { env } from "../../env";
import { SESSION_COOKIE_NAME } from "./cookie-names";
import type { SessionUser } from "./roles";

export interface SessionData {
  user?: SessionUser;
  idToken?: string;
  /** Epoch ms; the session ends with the ID token. */
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
  return getIronSession<SessionData>(await cookies(), options(SESSION_COOKIE_NAME, 8 * 3600));
}

export async function pendingSignIn(): Promise<IronSession<PendingSignIn>> {
  return getIronSession<PendingSignIn>(await cookies(), options(PENDING_COOKIE, 600));
}

/** The signed-in user, or null when there is no (unexpired) session. */
export async function currentUser(): Promise<SessionUser | null> {
  const data = await session();
  if (!data.user || (data.expiresAt !== undefined && data.expiresAt < Date.now())) return null;
  return data.user;
}

// The sign-in, callback, refresh and sign-out route handlers (thin; OIDC lives in oidc.ts).
import { NextResponse, type NextRequest } from "next/server";
import { isNoRoleError, isSignInError } from "../../errors";
import { logger } from "../../logger";
import {
  authorizationRequest,
  CALLBACK_PATH,
  completeSignIn,
  endSessionUrl,
  revokeRefreshToken,
} from "./oidc";
import { revokeLiveCredentials } from "../live-credentials";
import { dashboardOrigin } from "./origin";
import { refreshedUser } from "./refresh";
import { safeReturnTo } from "./return-to";
import { pendingSignIn, session } from "./session";
import { signedInSession } from "./session-state";

export async function beginSignIn(request: NextRequest): Promise<Response> {
  const origin = dashboardOrigin(request);
  const auth = await authorizationRequest(`${origin}${CALLBACK_PATH}`);
  const pending = await pendingSignIn();
  pending.codeVerifier = auth.codeVerifier;
  pending.state = auth.state;
  pending.nonce = auth.nonce;
  pending.returnTo = safeReturnTo(request.nextUrl.searchParams.get("returnTo"), origin);
  await pending.save();
  return NextResponse.redirect(auth.url);
}

function failure(message: string, status: number): Response {
  return new Response(`${message}\n\nStart again at /api/auth/login`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

export async function finishSignIn(request: NextRequest): Promise<Response> {
  const origin = dashboardOrigin(request);
  const pending = await pendingSignIn();
  const { codeVerifier, state, nonce, returnTo } = pending;
  pending.destroy();
  if (!codeVerifier || !state || !nonce)
    return failure("Sign-in expired or was started elsewhere.", 400);
  // The code is bound to the redirect URI we sent, so rebuild it on our public origin.
  const callbackUrl = new URL(`${origin}${CALLBACK_PATH}${request.nextUrl.search}`);
  try {
    const signedIn = await completeSignIn(callbackUrl, { codeVerifier, state, nonce });
    const current = await session();
    Object.assign(current, signedInSession(signedIn, Date.now()));
    await current.save();
    logger().info({ user: signedIn.user.username, role: signedIn.user.role }, "signed in");
    return NextResponse.redirect(new URL(safeReturnTo(returnTo, origin), origin));
  } catch (error) {
    if (isNoRoleError(error)) return failure(error.message, 403);
    if (isSignInError(error)) {
      logger().warn({ err: error }, "sign-in failed");
      return failure(`Sign-in failed: ${error.message}.`, 400);
    }
    throw error;
  }
}

/** Pages send the browser here when the ID token is near expiry; it comes back refreshed. */
export async function refreshAndReturn(request: NextRequest): Promise<Response> {
  const origin = dashboardOrigin(request);
  const returnTo = safeReturnTo(request.nextUrl.searchParams.get("returnTo"), origin);
  if (await refreshedUser()) return NextResponse.redirect(new URL(returnTo, origin));
  // The refresh failed and the session is gone: sign in again, then come back.
  const login = new URL("/api/auth/login", origin);
  login.searchParams.set("returnTo", returnTo);
  return NextResponse.redirect(login);
}

export async function signOut(request: NextRequest): Promise<Response> {
  const origin = dashboardOrigin(request);
  const current = await session();
  const { idToken, refreshToken } = current;
  // Before the cookie goes: the session's live NATS connections are kicked.
  await revokeLiveCredentials(current);
  current.destroy();
  if (refreshToken !== undefined) {
    await revokeRefreshToken(refreshToken).catch((error: unknown) => {
      logger().warn({ err: error }, "could not revoke the refresh token at sign-out");
    });
  }
  const idpLogout = await endSessionUrl(idToken, `${origin}/`).catch(() => undefined);
  // 303: the browser follows a POST's redirect with GET.
  return NextResponse.redirect(idpLogout ?? new URL("/", origin), 303);
}

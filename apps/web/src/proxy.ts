// Before any page renders: no session cookie means a real HTTP redirect to
// sign-in (pages stream, so a redirect from inside one arrives as a 200). The
// pages still verify the cookie itself; this only checks it is there.
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE_NAME } from "./server/auth/cookie-names";

export function proxy(request: NextRequest): NextResponse {
  if (request.cookies.has(SESSION_COOKIE_NAME)) return NextResponse.next();
  const login = new URL("/api/auth/login", request.url);
  login.searchParams.set("returnTo", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(login);
}

export const config = { matcher: ["/fleet/:path*", "/deployments/:path*"] };

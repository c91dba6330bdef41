// Runs before every page: sets the security headers (CSP with a fresh nonce,
// see server/http/security-headers.ts) and, on signed-in pages without a
// session cookie, answers with a real HTTP redirect to sign-in (pages stream,
// so a redirect from inside one arrives as a 200). The pages still verify the
// cookie itself; this only checks it is there.
import { NextResponse, type NextRequest } from "next/server";
import { env, isDevelopment } from "./env";
import { SESSION_COOKIE_NAME } from "./server/auth/cookie-names";
import { securityHeaders } from "./server/http/security-headers";

const SIGNED_IN_PAGES = /^\/(fleet|deployments)(\/|$)/;

function servedOverHttps(request: NextRequest): boolean {
  const { DASHBOARD_URL } = env();
  if (DASHBOARD_URL !== undefined) return DASHBOARD_URL.startsWith("https:");
  return (
    request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https"
  );
}

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const { NATS_WS_URL, OIDC_ISSUER } = env();
  const headers = securityHeaders({
    nonce: Buffer.from(crypto.randomUUID()).toString("base64"),
    liveUrls: NATS_WS_URL.split(","),
    identityProviderOrigin: OIDC_ISSUER,
    https: servedOverHttps(request),
    development: isDevelopment(),
  });

  let response: NextResponse;
  if (SIGNED_IN_PAGES.test(pathname) && !request.cookies.has(SESSION_COOKIE_NAME)) {
    const login = new URL("/api/auth/login", request.url);
    login.searchParams.set("returnTo", `${pathname}${search}`);
    response = NextResponse.redirect(login);
  } else {
    // Next.js takes the nonce for its own scripts from the request's CSP header.
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"] ?? "");
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Pages only: API routes answer JSON and get the static headers of next.config.ts.
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};

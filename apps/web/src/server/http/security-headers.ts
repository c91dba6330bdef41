// The response headers every dashboard page carries. Pure, so the policy can be
// read and tested in one place; proxy.ts applies it with a fresh nonce per
// request (Next.js reads the nonce back from the request's CSP header and puts
// it on its own scripts, which is why pages render dynamically).

export interface SecurityHeaderOptions {
  /** A fresh, unguessable value per response. */
  nonce: string;
  /** Websocket URLs the live feed connects to (NATS_WS_URL). */
  liveUrls: readonly string[];
  /** The IdP origin: sign-out posts a form that redirects there. */
  identityProviderOrigin: string;
  /** The dashboard is served over https (HSTS only makes sense there). */
  https: boolean;
  /** `next dev`: React needs eval for its error overlay. */
  development: boolean;
}

/** Origins (scheme://host:port) of URLs; a URL that does not parse is left out. */
function originsOf(urls: readonly string[]): string[] {
  return urls.flatMap((url) => {
    try {
      const parsed = new URL(url.trim());
      return [`${parsed.protocol}//${parsed.host}`];
    } catch {
      return [];
    }
  });
}

export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  const nonce = `'nonce-${options.nonce}'`;
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": [
      "'self'",
      nonce,
      "'strict-dynamic'",
      ...(options.development ? ["'unsafe-eval'"] : []),
    ],
    // Next.js's own <style> tags carry the nonce; React's style="" attributes
    // (virtualized table rows) cannot, and attributes cannot run script.
    "style-src-elem": ["'self'", nonce],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...originsOf(options.liveUrls)],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    // Sign-out is a form POST answered by a redirect to the IdP's logout page.
    "form-action": ["'self'", ...originsOf([options.identityProviderOrigin])],
    "frame-ancestors": ["'none'"],
  };
  const policy = Object.entries(directives).map(([name, values]) => `${name} ${values.join(" ")}`);
  if (options.https) policy.push("upgrade-insecure-requests");
  return policy.join("; ");
}

/** Headers for a page response (CSP included) — never cached by a shared cache. */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    ...(options.https && { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" }),
  };
}

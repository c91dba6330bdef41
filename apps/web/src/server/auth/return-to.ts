// Where the browser goes after sign-in. The value comes from a query string, so
// it is attacker-controlled: it is resolved the way a browser would resolve it
// (WHATWG URL parsing strips tabs and newlines and reads "\" as "/") and kept
// only when the result is on the dashboard's own origin. Never a string-prefix
// test: "/\evil.com" starts with "/" and still leaves the site.

export const DEFAULT_RETURN_TO = "/fleet";

/** A same-origin path (with query and fragment) to return to, or the default. */
export function safeReturnTo(value: string | null | undefined, origin: string): string {
  if (!value) return DEFAULT_RETURN_TO;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return DEFAULT_RETURN_TO;
  }
  if (url.origin !== new URL(origin).origin) return DEFAULT_RETURN_TO;
  // "/.//evil.com" resolves to the path "//evil.com", which a browser would
  // read as scheme-relative: collapse leading slashes so the path stays a path.
  const path = `${url.pathname.replace(/^\/+/, "/")}${url.search}${url.hash}`;
  return new URL(path, origin).origin === url.origin ? path : DEFAULT_RETURN_TO;
}

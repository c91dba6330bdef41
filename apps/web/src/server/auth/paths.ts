/** Where the browser gets its OIDC callback. */
export const CALLBACK_PATH = "/api/auth/callback";
/** Refreshes the session's ID token, then returns to `returnTo`. */
export const REFRESH_PATH = "/api/auth/refresh";

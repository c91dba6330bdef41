// NATS subjects the browser-credential responders share (every dashboard
// replica answers the auth callout): the platform grants the prefix, the
// responders publish their session verdicts on one subject under it.
export const BROWSER_AUTH_SUBJECT_PREFIX = "fleet.browser-auth";
/** What a responder's credential may use: everything under the prefix. */
export const BROWSER_AUTH_SUBJECTS = `${BROWSER_AUTH_SUBJECT_PREFIX}.>`;
/** Sign-outs and role changes, fanned out so every replica refuses the session. */
export const BROWSER_AUTH_SESSIONS_SUBJECT = `${BROWSER_AUTH_SUBJECT_PREFIX}.sessions`;

// Metadata keys that only the local platform's IdP reads. Real Zitadel stores
// them like any user metadata and ignores them: there, the access-token
// lifetime is an instance setting (Settings > OIDC > Access Token Lifetime).

/**
 * Seconds (a decimal integer, 1..86400) that the local IdP gives this one
 * user's access tokens instead of its default, so one test can have
 * short-lived tokens without shortening everyone's.
 */
export const LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY = "fleet.local.accessTokenLifetimeSeconds";

/** The encrypted session cookie (see session.ts). */
export const SESSION_COOKIE_NAME = "fleet_session";

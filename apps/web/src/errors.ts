// Typed errors of the dashboard. Callers branch with the is...() helpers, never on text.

/** The OIDC round trip failed or its result is unusable (state mismatch, no role...). */
export class SignInError extends Error {
  override readonly name = "SignInError";
}

/** The signed-in user holds neither the viewer nor the deployer role. */
export class NoRoleError extends Error {
  override readonly name = "NoRoleError";
}

export function isSignInError(error: unknown): error is SignInError {
  return error instanceof SignInError;
}

export function isNoRoleError(error: unknown): error is NoRoleError {
  return error instanceof NoRoleError;
}

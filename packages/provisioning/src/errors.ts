// Typed errors of provisioning. Callers (the CLI, the dashboard's tRPC
// procedures) branch on `reason` to pick an exit code or an HTTP status, never
// on message text. Errors of the API server (RBAC refusals, outages) and of the
// IdP pass through unchanged: they already say who refused what.

export type ProvisioningFailure =
  /** A Device (or the IdP machine user named after it) with this id is already there. */
  | "exists"
  /** No Device with this id. */
  | "not-found"
  /** The Device has no IdP identity, so there is no key to rotate or user to (de)activate. */
  | "no-identity"
  /** Input that fails the contracts (device id, labels). */
  | "invalid"
  /** The Device is not waiting for approval (already enrolled, disabled, or never enrolled with a token). */
  | "not-pending"
  /** Someone else changed the object between our read and our write, every time we tried. */
  | "conflict";

export class ProvisioningError extends Error {
  override readonly name = "ProvisioningError";
  readonly reason: ProvisioningFailure;
  /** The field the input problem is in (`id`, `labels`), when one is to blame. */
  readonly field: string | undefined;

  constructor(
    reason: ProvisioningFailure,
    message: string,
    options?: { field?: string; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.reason = reason;
    this.field = options?.field;
  }
}

export function isProvisioningError(
  error: unknown,
  reason?: ProvisioningFailure,
): error is ProvisioningError {
  return error instanceof ProvisioningError && (reason === undefined || error.reason === reason);
}

/** A credential file is already at the path and overwriting was not asked for. */
export class CredentialsFileExistsError extends Error {
  override readonly name = "CredentialsFileExistsError";
  readonly path: string;

  constructor(path: string, options?: { cause?: unknown }) {
    super(`${path} already exists; choose another file or allow overwriting it`, options);
    this.path = path;
  }
}

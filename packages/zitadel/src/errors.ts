// Typed errors of the Zitadel client. Callers branch on the class and its
// fields (status, OAuth error code), never on message text. Messages name the
// issuer and what the IdP said, and never contain a key or a token.

/** The IdP refused (or could not be asked for) an access token. */
export class ZitadelTokenError extends Error {
  override readonly name = "ZitadelTokenError";
  readonly issuer: string;
  /** The OAuth error code the IdP answered (`invalid_grant`, ...), when it answered one. */
  readonly error: string | undefined;
  readonly description: string | undefined;

  constructor(
    message: string,
    details: { issuer: string; error?: string; description?: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.issuer = details.issuer;
    this.error = details.error;
    this.description = details.description;
  }
}

/** A management API call failed: the IdP answered an error, or an answer that is not what the API promises. */
export class ZitadelApiError extends Error {
  override readonly name = "ZitadelApiError";
  /** e.g. `POST /management/v1/users/machine`. */
  readonly operation: string;
  /** HTTP status; undefined when no answer came (network, timeout). */
  readonly status: number | undefined;
  /** Zitadel's gRPC status code from the error body (5 = not found, 6 = already exists, 9 = failed precondition). */
  readonly code: number | undefined;

  constructor(
    message: string,
    details: { operation: string; status?: number; code?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code;
  }
}

export function isZitadelTokenError(error: unknown): error is ZitadelTokenError {
  return error instanceof ZitadelTokenError;
}

export function isZitadelApiError(error: unknown): error is ZitadelApiError {
  return error instanceof ZitadelApiError;
}

/** The user or key does not exist (HTTP 404, gRPC NOT_FOUND). */
export function isZitadelNotFound(error: unknown): boolean {
  return isZitadelApiError(error) && (error.status === 404 || error.code === 5);
}

/** A user with that name already exists (HTTP 409, gRPC ALREADY_EXISTS). */
export function isZitadelAlreadyExists(error: unknown): boolean {
  return isZitadelApiError(error) && (error.status === 409 || error.code === 6);
}

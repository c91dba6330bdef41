// A Kubernetes watch that ended with an error (not a normal server-side close).

export class WatchError extends Error {
  override readonly name = "WatchError";
  /** HTTP status or Status.code, when the server sent one (410 means "relist"). */
  readonly statusCode: number | undefined;
  constructor(message: string, statusCode?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.statusCode = statusCode;
  }
}

export function isWatchError(error: unknown): error is WatchError {
  return error instanceof WatchError;
}

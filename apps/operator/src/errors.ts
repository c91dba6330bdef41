// Typed errors of the operator. Callers branch on these with is...() helpers,
// never on message text. Each takes Error's (message, { cause }). Bad flags and
// settings are @fleet/runtime's ConfigError, which names each source.

/** This replica no longer holds the leader Lease and must stop writing. */
export class LeadershipLostError extends Error {
  override readonly name = "LeadershipLostError";
}

/** The CRD did not become Established in time. */
export class CrdNotEstablishedError extends Error {
  override readonly name = "CrdNotEstablishedError";
}

/** A Kubernetes watch ended with an error (not a normal server-side close). */
export class WatchError extends Error {
  override readonly name = "WatchError";
  /** HTTP status or Status.code, when the server sent one (410 means "relist"). */
  readonly statusCode: number | undefined;
  constructor(message: string, statusCode?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.statusCode = statusCode;
  }
}

/** The message of anything thrown, for logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

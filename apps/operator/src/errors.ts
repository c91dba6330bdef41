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

/** The message of anything thrown, for logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

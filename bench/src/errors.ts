// Typed errors of the bench; callers branch with the is...() helpers.

/** A benchmark could not be run (bad name, a part that did not come up). */
export class BenchError extends Error {
  override readonly name = "BenchError";
}

/** A part of the platform (podman, the operator, an agent) did something unexpected. */
export class PartError extends Error {
  override readonly name = "PartError";
}

export function isBenchError(error: unknown): error is BenchError {
  return error instanceof BenchError;
}

export function isPartError(error: unknown): error is PartError {
  return error instanceof PartError;
}

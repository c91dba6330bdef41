// Typed errors of the bench: a failure says which side broke, the bench itself
// or a part of the platform it measures.
import type { Figure } from "./stats.js";

/** A benchmark could not be run (bad name, a part that did not come up). */
export class BenchError extends Error {
  override readonly name = "BenchError";
}

/** A part of the platform (podman, the operator, an agent) did something unexpected. */
export class PartError extends Error {
  override readonly name = "PartError";
}

/** A benchmark measured its figures but one of its checks failed: the figures are still reported. */
export class CheckFailedError extends Error {
  override readonly name = "CheckFailedError";

  constructor(
    message: string,
    readonly figures: Figure[],
  ) {
    super(message);
  }
}

// Capped exponential backoff with jitter: the one formula behind every retry in
// the fleet (reconcile retries, watch restarts, NATS reconnects, status patches,
// container restarts). Jitter spreads the retries of many callers that failed
// together (NATS or the API server restarting) so they do not return in a burst.

export interface BackoffPolicy {
  /** The ceiling of the first delay. */
  initialMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /**
   * The random share of each delay, from 0 to 1: a delay is drawn from
   * [ceiling × (1 − jitter), ceiling]. 1 (the default) is full jitter; 0 gives
   * exact doubling, for delays people read (restart in 1 s, 2 s, 4 s ...).
   */
  jitter?: number;
}

/** Past this the ceiling is the cap anyway; it also keeps 2 ** n finite. */
const MAX_EXPONENT = 52;

/** The delay before retry number `attempt` (1 for the first): initialMs × 2^(attempt−1), capped, with jitter. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(MAX_EXPONENT, Math.max(0, attempt - 1));
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 1));
  return Math.round(ceiling * (1 - jitter * random()));
}

/** Counts attempts for one retry loop: `next()` after each failure, `reset()` after a success. */
export class Backoff {
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;
  #attempts = 0;

  constructor(policy: BackoffPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** The delay before the next attempt; each call moves one step up the curve. */
  next(): number {
    this.#attempts += 1;
    return backoffDelay(this.#attempts, this.#policy, this.#random);
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.#attempts;
  }

  reset(): void {
    this.#attempts = 0;
  }
}

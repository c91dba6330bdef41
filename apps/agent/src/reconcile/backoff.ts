// Exponential backoff with full jitter, shared by every retry loop in the agent
// (NATS connect, watch restarts, podman event stream, container restarts).

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0 gives exact doubling (for restart delays people read in lastError); default 0.2. */
  jitter?: number;
}

export class Backoff {
  readonly #options: Required<BackoffOptions>;
  #attempt = 0;

  constructor(options: BackoffOptions) {
    this.#options = { jitter: 0.2, ...options };
  }

  /** The delay before the next attempt; each call doubles it up to maxMs. */
  next(random: () => number = Math.random): number {
    const base = Math.min(this.#options.maxMs, this.#options.initialMs * 2 ** this.#attempt);
    this.#attempt += 1;
    const spread = base * this.#options.jitter;
    return Math.round(base - spread + random() * 2 * spread);
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  reset(): void {
    this.#attempt = 0;
  }
}

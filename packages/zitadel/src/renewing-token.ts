// The caching part of a token source, kept free of I/O so its timing rules can
// be tested with a fake clock: one token at a time, renewed before it expires,
// and callers that arrive while a request is under way share that request.

export interface Token {
  readonly value: string;
  readonly expiresAt: Date;
}

/** Renew when less than a quarter of the lifetime is left, and at the latest 30 s before expiry. */
export const RENEW_MARGIN_MAX_MS = 30_000;

/** How long before `expiresAt` a token obtained at `obtainedAt` is renewed. */
export function renewalMarginMs(obtainedAtMs: number, expiresAtMs: number): number {
  const lifetime = Math.max(0, expiresAtMs - obtainedAtMs);
  return Math.min(lifetime / 4, RENEW_MARGIN_MAX_MS);
}

export class RenewingToken {
  #current: { token: Token; renewAtMs: number } | undefined;
  #pending: Promise<Token> | undefined;

  constructor(
    private readonly obtain: () => Promise<Token>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached token while it is fresh; otherwise one new request, shared by everyone asking meanwhile. */
  get(): Promise<Token> {
    const current = this.#current;
    if (current !== undefined && this.now() < current.renewAtMs)
      return Promise.resolve(current.token);
    this.#pending ??= this.#renew().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forgets the cached token (e.g. the server refused it), so the next get() asks again. */
  invalidate(): void {
    this.#current = undefined;
  }

  async #renew(): Promise<Token> {
    const obtainedAt = this.now();
    // A failure is not cached: the next caller asks again.
    const token = await this.obtain();
    const expiresAtMs = token.expiresAt.getTime();
    this.#current = { token, renewAtMs: expiresAtMs - renewalMarginMs(obtainedAt, expiresAtMs) };
    return token;
  }
}

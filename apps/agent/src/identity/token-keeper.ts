// Keeps the device's access token fresh. nats.js asks for credentials
// synchronously on every (re)connect, so the token must already be at hand:
// it is fetched before the first connect, renewed in the background when the
// token source would renew it (a quarter of its lifetime before expiry), and
// fetched again at once when the server refuses the one in use. While the IdP
// is unreachable it retries with backoff and says so; nothing else stops.
import { setTimeout as delay } from "node:timers/promises";
import { Backoff, type BackoffPolicy } from "@fleet/runtime";
import { renewalMarginMs, type Token } from "@fleet/zitadel";
import { isAborted } from "../abort.js";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";

/** What the keeper needs of @fleet/zitadel's JwtProfileTokenSource. */
export interface AccessTokens {
  readonly issuer: string;
  token(): Promise<Token>;
  invalidate(): void;
}

export interface TokenKeeperOptions {
  tokens: AccessTokens;
  logger: Logger;
  backoff?: BackoffPolicy;
  now?: () => number;
}

/** A token this close to expiry is not handed to a new connection: it would be cut at once. */
const MIN_VALIDITY_MS = 1_000;
/** When the source hands back the same token at renewal time, ask again after this long. */
const SAME_TOKEN_RECHECK_MS = 250;

const abortable = (ms: number, signal: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch(() => undefined);

export class TokenKeeper {
  readonly #tokens: AccessTokens;
  readonly #logger: Logger;
  readonly #backoff: Backoff;
  readonly #now: () => number;
  #current: { token: Token; seenAt: number } | undefined;
  /** The token last handed to a connection. */
  #inUse: string | undefined;
  /** Wakes the background loop early (a refused token). */
  #wake: (() => void) | undefined;
  /** The one retry loop under way, shared by the connection and the background renewal. */
  #obtaining: Promise<boolean> | undefined;

  constructor(options: TokenKeeperOptions) {
    this.#tokens = options.tokens;
    this.#logger = options.logger;
    this.#backoff = new Backoff(options.backoff ?? { initialMs: 1_000, maxMs: 60_000 });
    this.#now = options.now ?? Date.now;
  }

  /** The latest token, for nats.js's synchronous authenticator; remembered as the one in use. */
  handOut(): string | undefined {
    this.#inUse = this.#current?.token.value;
    return this.#inUse;
  }

  /** The server refused or expired a connection: drop the token it used, unless a newer one is already here. */
  refused(): void {
    if (this.#inUse === undefined || this.#current?.token.value !== this.#inUse) return;
    this.#tokens.invalidate();
    this.#current = undefined;
    this.#wake?.();
  }

  /** Resolves once a token valid now is at hand (false only when aborted first). */
  async ready(signal: AbortSignal): Promise<boolean> {
    if (this.#valid()) return true;
    return this.#obtain(signal);
  }

  /** Renews the token before it expires, until the signal aborts. */
  async keepFresh(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.ready(signal))) return;
      await this.#sleepUntilRenewal(signal);
      if (isAborted(signal)) return;
      const before = this.#current?.token.value;
      if (!(await this.#obtain(signal))) return;
      if (this.#current?.token.value === before) await abortable(SAME_TOKEN_RECHECK_MS, signal);
      else
        this.#logger.debug({ expiresAt: this.#current?.token.expiresAt }, "access token renewed");
    }
  }

  #valid(): boolean {
    const current = this.#current;
    return (
      current !== undefined && current.token.expiresAt.getTime() - this.#now() > MIN_VALIDITY_MS
    );
  }

  async #sleepUntilRenewal(signal: AbortSignal): Promise<void> {
    const current = this.#current;
    if (current === undefined) return;
    const expiresAt = current.token.expiresAt.getTime();
    // Seen no earlier than the source obtained it, so this margin is at most the source's:
    // at this time the source renews rather than hands back its cached token.
    const renewAt = expiresAt - renewalMarginMs(current.seenAt, expiresAt);
    const wait = Math.max(0, renewAt - this.#now());
    const woken = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    await Promise.race([abortable(wait, signal), woken]);
    this.#wake = undefined;
  }

  /** Asks the source until it answers, with backoff; false when aborted first. */
  #obtain(signal: AbortSignal): Promise<boolean> {
    this.#obtaining ??= this.#obtainLoop(signal).finally(() => {
      this.#obtaining = undefined;
    });
    return this.#obtaining;
  }

  async #obtainLoop(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      try {
        const token = await this.#tokens.token();
        if (this.#current?.token.value !== token.value) {
          this.#current = { token, seenAt: this.#now() };
        }
        if (this.#backoff.attempts > 0) {
          this.#logger.info({ issuer: this.#tokens.issuer }, "access token issued again");
        }
        this.#backoff.reset();
        return true;
      } catch (error) {
        const retryInMs = this.#backoff.next();
        const expiresAt = this.#current?.token.expiresAt;
        this.#logger.warn(
          {
            issuer: this.#tokens.issuer,
            attempt: this.#backoff.attempts,
            retryInMs,
            ...(expiresAt === undefined ? {} : { tokenValidUntil: expiresAt }),
            err: messageOf(error),
          },
          "cannot get an access token from the IdP; containers keep running, retrying",
        );
        await abortable(retryInMs, signal);
      }
    }
    return false;
  }
}

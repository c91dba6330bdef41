import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { TokenKeeper, type AccessTokens } from "./token-keeper.js";

/** A token source that behaves like JwtProfileTokenSource's cache; each request can be made to fail. */
class FakeTokens implements AccessTokens {
  readonly issuer = "https://idp.example";
  requests = 0;
  invalidations = 0;
  failuresLeft = 0;
  #current: { value: string; expiresAt: Date; renewAt: number } | undefined;
  readonly #waiters: (() => void)[] = [];

  constructor(private readonly lifetimeMs: number) {}

  token(): Promise<{ value: string; expiresAt: Date }> {
    const now = Date.now();
    if (this.#current !== undefined && now < this.#current.renewAt) {
      return Promise.resolve(this.#current);
    }
    this.requests += 1;
    for (const wake of this.#waiters.splice(0)) wake();
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      return Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:443"));
    }
    const expiresAt = now + this.lifetimeMs;
    this.#current = {
      value: `token-${this.requests}`,
      expiresAt: new Date(expiresAt),
      renewAt: expiresAt - this.lifetimeMs / 4,
    };
    return Promise.resolve(this.#current);
  }

  invalidate(): void {
    this.invalidations += 1;
    this.#current = undefined;
  }

  /** Resolves once `count` requests were made and the keeper took in the answer (pending callbacks run). */
  async requested(count: number): Promise<void> {
    while (this.requests < count) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function recordingLogger(): { logger: pino.Logger; messages: string[] } {
  const messages: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      messages.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), messages };
}

const fastBackoff = { initialMs: 5, maxMs: 20 };

describe("token keeper", () => {
  it("token keeper - has a token before the first connect and hands it out", async () => {
    const tokens = new FakeTokens(60_000);
    const keeper = new TokenKeeper({ tokens, logger: recordingLogger().logger });
    expect(keeper.handOut()).toBeUndefined();
    expect(await keeper.ready(new AbortController().signal)).toBe(true);
    expect(keeper.handOut()).toBe("token-1");
    // Still valid: no second request.
    expect(await keeper.ready(new AbortController().signal)).toBe(true);
    expect(tokens.requests).toBe(1);
  });

  it("token keeper - renews in the background while the token is still valid", async () => {
    const tokens = new FakeTokens(4_000);
    const keeper = new TokenKeeper({ tokens, logger: recordingLogger().logger });
    const abort = new AbortController();
    const fresh = keeper.keepFresh(abort.signal);
    await tokens.requested(1);
    await keeper.ready(abort.signal);
    const first = keeper.handOut();
    await tokens.requested(2);
    // The second token is at hand for the next connection; the first was renewed, not dropped.
    await keeper.ready(abort.signal);
    expect(first).toBe("token-1");
    expect(keeper.handOut()).toBe("token-2");
    expect(tokens.invalidations).toBe(0);
    abort.abort();
    await fresh;
  });

  it("token keeper - retries an unreachable IdP with backoff, saying so, until it answers", async () => {
    const tokens = new FakeTokens(60_000);
    tokens.failuresLeft = 3;
    const { logger, messages } = recordingLogger();
    const keeper = new TokenKeeper({ tokens, logger, backoff: fastBackoff });
    expect(await keeper.ready(new AbortController().signal)).toBe(true);
    expect(tokens.requests).toBe(4);
    expect(keeper.handOut()).toBe("token-4");
    expect(
      messages.filter((m) => m.startsWith("cannot get an access token from the IdP")),
    ).toHaveLength(3);
    expect(messages).toContain("access token issued again");
  });

  it("token keeper - gives up waiting when aborted", async () => {
    const tokens = new FakeTokens(60_000);
    tokens.failuresLeft = Number.POSITIVE_INFINITY;
    const keeper = new TokenKeeper({
      tokens,
      logger: recordingLogger().logger,
      backoff: fastBackoff,
    });
    const abort = new AbortController();
    const ready = keeper.ready(abort.signal);
    await tokens.requested(2);
    abort.abort();
    expect(await ready).toBe(false);
  });

  it("token keeper - a refused token in use is dropped and a new one fetched at once", async () => {
    const tokens = new FakeTokens(60_000);
    const keeper = new TokenKeeper({ tokens, logger: recordingLogger().logger });
    const abort = new AbortController();
    const fresh = keeper.keepFresh(abort.signal);
    await keeper.ready(abort.signal);
    expect(keeper.handOut()).toBe("token-1");
    keeper.refused();
    expect(tokens.invalidations).toBe(1);
    await tokens.requested(2);
    await keeper.ready(abort.signal);
    expect(keeper.handOut()).toBe("token-2");
    abort.abort();
    await fresh;
  });

  it("token keeper - a connection ended after a newer token arrived keeps the newer one", async () => {
    const tokens = new FakeTokens(4_000);
    const keeper = new TokenKeeper({ tokens, logger: recordingLogger().logger });
    const abort = new AbortController();
    const fresh = keeper.keepFresh(abort.signal);
    await keeper.ready(abort.signal);
    expect(keeper.handOut()).toBe("token-1");
    // Renewed in the background before the server ends the connection that uses token-1.
    await tokens.requested(2);
    await keeper.ready(abort.signal);
    keeper.refused();
    expect(tokens.invalidations).toBe(0);
    expect(keeper.handOut()).toBe("token-2");
    abort.abort();
    await fresh;
  });
});

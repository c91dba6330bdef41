import { describe, expect, it } from "vitest";
import { RenewingToken, renewalMarginMs, type Token } from "./renewing-token.js";

/** A token source's clock and IdP, both under the test's control. */
function harness(lifetimeMs: number): {
  cache: RenewingToken;
  clock: { now: number };
  requests: () => number;
  fail: (error: Error | undefined) => void;
  release: () => void;
  hold: () => void;
} {
  const clock = { now: 1_000_000 };
  let count = 0;
  let failure: Error | undefined;
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const obtain = async (): Promise<Token> => {
    count += 1;
    const issuedAt = clock.now;
    if (gate) await gate;
    if (failure) throw failure;
    return { value: `token-${count}`, expiresAt: new Date(issuedAt + lifetimeMs) };
  };
  return {
    cache: new RenewingToken(obtain, () => clock.now),
    clock,
    requests: () => count,
    fail: (error) => {
      failure = error;
    },
    hold: () => {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => {
      gate = undefined;
      open();
    },
  };
}

describe("token renewal", () => {
  it("renews a quarter of the lifetime before expiry, and at most 30 s before", () => {
    expect(renewalMarginMs(0, 8_000)).toBe(2_000);
    expect(renewalMarginMs(0, 15 * 60_000)).toBe(30_000);
    expect(renewalMarginMs(10, 5)).toBe(0);
  });

  it("serves the cached token until the renewal point, then asks once", async () => {
    const { cache, clock, requests } = harness(15 * 60_000);
    expect((await cache.get()).value).toBe("token-1");
    clock.now += 15 * 60_000 - 30_001;
    expect((await cache.get()).value).toBe("token-1");
    expect(requests()).toBe(1);
    clock.now += 1;
    expect((await cache.get()).value).toBe("token-2");
    expect((await cache.get()).value).toBe("token-2");
    expect(requests()).toBe(2);
  });

  it("renews a 5 s token when 1.25 s are left", async () => {
    const { cache, clock } = harness(5_000);
    await cache.get();
    clock.now += 3_749;
    expect((await cache.get()).value).toBe("token-1");
    clock.now += 1;
    expect((await cache.get()).value).toBe("token-2");
  });

  it("lets concurrent callers share one request", async () => {
    const { cache, requests, hold, release } = harness(60_000);
    hold();
    const all = Promise.all([cache.get(), cache.get(), cache.get()]);
    release();
    expect((await all).map((t) => t.value)).toEqual(["token-1", "token-1", "token-1"]);
    expect(requests()).toBe(1);
  });

  it("does not cache a failure: the next caller asks again", async () => {
    const { cache, requests, fail } = harness(60_000);
    fail(new Error("invalid_grant"));
    await expect(cache.get()).rejects.toThrow("invalid_grant");
    fail(undefined);
    expect((await cache.get()).value).toBe("token-2");
    expect(requests()).toBe(2);
  });

  it("asks again after invalidate", async () => {
    const { cache } = harness(60_000);
    await cache.get();
    cache.invalidate();
    expect((await cache.get()).value).toBe("token-2");
  });
});

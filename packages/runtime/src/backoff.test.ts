import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Backoff, backoffDelay } from "./backoff.js";

const exact = { initialMs: 100, maxMs: 500, jitter: 0 };

describe("backoff - delays", () => {
  it("backoff - doubles from the initial delay up to the cap without jitter", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, exact))).toEqual([
      100, 200, 400, 500, 500,
    ]);
  });

  it("backoff - full jitter by default: anywhere from 0 to the ceiling", () => {
    const policy = { initialMs: 1000, maxMs: 8000 };
    expect(backoffDelay(3, policy, () => 0)).toBe(4000);
    expect(backoffDelay(3, policy, () => 0.999_999)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(2000);
  });

  it("backoff - a partial jitter keeps the delay within its share of the ceiling", () => {
    const policy = { initialMs: 1000, maxMs: 1000, jitter: 0.2 };
    expect(backoffDelay(1, policy, () => 0)).toBe(1000);
    expect(backoffDelay(1, policy, () => 0.999_999)).toBe(800);
  });

  it("backoff - never negative, never above the cap, for any attempt and jitter", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 10_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.double({ min: -1, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, initialMs, maxMs, jitter, random) => {
          const delay = backoffDelay(attempt, { initialMs, maxMs, jitter }, () => random);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(maxMs);
        },
      ),
    );
  });
});

describe("backoff - the stateful helper", () => {
  it("backoff - counts attempts, climbs the curve, and starts over after a reset", () => {
    const backoff = new Backoff(exact);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([
      100, 200, 400, 500,
    ]);
    expect(backoff.attempts).toBe(4);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(100);
  });

  it("backoff - draws its jitter from the random source it was given", () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 1000 }, () => 0.25);
    expect(backoff.next()).toBe(750);
  });
});

import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.js";

describe("backoff - delays", () => {
  it("backoff - doubles up to the cap and resets", () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 500, jitter: 0 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([
      100, 200, 400, 500,
    ]);
    expect(backoff.attempts).toBe(4);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it("backoff - keeps jitter within its spread", () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.2 });
    expect(backoff.next(() => 0)).toBe(800);
    expect(backoff.next(() => 1)).toBe(1200);
  });
});

import { describe, expect, it } from "vitest";
import { IGNORED_CLOCK_SKEW_MS, ServerClock } from "./server-clock.js";

const local = { now: Date.parse("2026-11-30T12:00:00.000Z") };
const clock = (): ServerClock => new ServerClock(() => local.now);
const header = (ms: number): string => new Date(ms).toUTCString();

describe("ServerClock", () => {
  it("server clock - a device 10 minutes behind dates by the server's clock", () => {
    const c = clock();
    c.observe(header(local.now + 10 * 60_000));
    expect(c.offsetMs).toBe(10 * 60_000 + 500);
    expect(c.now()).toBe(local.now + 10 * 60_000 + 500);
  });

  it("server clock - a device 10 minutes ahead dates by the server's clock", () => {
    const c = clock();
    c.observe(header(local.now - 10 * 60_000));
    expect(c.now()).toBe(local.now - 10 * 60_000 + 500);
  });

  it("server clock - a difference within the header's resolution is left alone", () => {
    const c = clock();
    c.observe(header(local.now + IGNORED_CLOCK_SKEW_MS - 1_000));
    expect(c.offsetMs).toBe(0);
    expect(c.now()).toBe(local.now);
  });

  it("server clock - a later header replaces the earlier one (the device's clock was set)", () => {
    const c = clock();
    c.observe(header(local.now + 60_000));
    c.observe(header(local.now));
    expect(c.offsetMs).toBe(0);
  });

  it("server clock - no header or a malformed one changes nothing", () => {
    const c = clock();
    c.observe(header(local.now + 60_000));
    c.observe(null);
    c.observe("yesterday-ish");
    expect(c.offsetMs).toBe(60_500);
  });
});

import { describe, expect, it } from "vitest";
import { RestartPolicy } from "./restart-policy.js";

const policy = (): RestartPolicy =>
  new RestartPolicy({ initialMs: 1000, maxMs: 8000, stableMs: 60_000 });

describe("restart policy - backoff", () => {
  it("restart policy - waits, then starts, doubling the delay for quick repeated exits", () => {
    const p = policy();
    expect(p.decide("c", 0, { startedAt: 0, finishedAt: 100 })).toEqual({
      action: "wait",
      delayMs: 1000,
      attempt: 1,
      newExit: true,
    });
    expect(p.decide("c", 500, { startedAt: 0, finishedAt: 100 })).toMatchObject({
      action: "wait",
      delayMs: 500,
      newExit: false,
    });
    expect(p.decide("c", 1000, { startedAt: 0, finishedAt: 100 })).toEqual({
      action: "start",
      attempt: 1,
    });
    expect(p.decide("c", 2000, { startedAt: 1000, finishedAt: 1500 })).toMatchObject({
      delayMs: 2000,
      attempt: 2,
    });
    expect(p.decide("c", 5000, { startedAt: 4000, finishedAt: 4500 })).toMatchObject({
      delayMs: 4000,
      attempt: 3,
    });
    expect(p.decide("c", 9000, { startedAt: 8000, finishedAt: 8500 })).toMatchObject({
      delayMs: 8000,
      attempt: 4,
    });
    expect(p.decide("c", 20_000, { startedAt: 17_000, finishedAt: 17_500 })).toMatchObject({
      delayMs: 8000,
      attempt: 5,
    });
  });

  it("restart policy - starts the count over after a stable run", () => {
    const p = policy();
    p.decide("c", 0, { startedAt: 0, finishedAt: 100 });
    p.decide("c", 2000, { startedAt: 1000, finishedAt: 1500 });
    expect(p.decide("c", 100_000, { startedAt: 2000, finishedAt: 90_000 })).toMatchObject({
      attempt: 1,
      delayMs: 1000,
    });
  });

  it("restart policy - counts a failed start and forgets replaced containers", () => {
    const p = policy();
    p.decide("c", 0, { startedAt: 0, finishedAt: 100 });
    expect(p.startFailed("c", 1000)).toBe(2000);
    expect(p.decide("c", 2000, { startedAt: 0, finishedAt: 100 })).toMatchObject({
      action: "wait",
      newExit: false,
    });
    expect(p.decide("c", 3000, { startedAt: 0, finishedAt: 100 })).toEqual({
      action: "start",
      attempt: 2,
    });
    p.forget("c");
    expect(p.decide("c", 4000, { startedAt: 0, finishedAt: 100 })).toMatchObject({
      attempt: 1,
      newExit: true,
    });
  });
});

describe("restart policy - crash loops settle before they count as running", () => {
  const exit = "exited with code 1";

  it("restart policy - a first restart counts as running at once", () => {
    const p = new RestartPolicy({ initialMs: 1000, maxMs: 8000, stableMs: 60_000, settleMs: 5000 });
    p.decide("c", 0, { startedAt: 0, finishedAt: 100 });
    expect(p.decide("c", 1000, { startedAt: 0, finishedAt: 100 })).toMatchObject({ attempt: 1 });
    p.restarted("c", 1000, exit);
    expect(p.settling("c", 1000)).toBeUndefined();
  });

  it("restart policy - a repeated exit stays settling until the container has stayed up", () => {
    const p = new RestartPolicy({ initialMs: 1000, maxMs: 8000, stableMs: 60_000, settleMs: 5000 });
    p.decide("c", 0, { startedAt: 0, finishedAt: 100 });
    p.restarted("c", 1000, exit);
    p.decide("c", 1500, { startedAt: 1000, finishedAt: 1400 }); // exits again: restart #2
    expect(p.decide("c", 3500, { startedAt: 1000, finishedAt: 1400 })).toMatchObject({
      action: "start",
      attempt: 2,
    });
    p.restarted("c", 3500, exit);
    expect(p.settling("c", 3500)).toEqual({ attempt: 2, exit, settleMs: 5000, remainingMs: 5000 });
    expect(p.settling("c", 8000)).toMatchObject({ remainingMs: 500 });
    expect(p.settling("c", 8500)).toBeUndefined();
  });

  it("restart policy - a new exit ends the settling; forgetting clears it", () => {
    const p = new RestartPolicy({ initialMs: 1000, maxMs: 8000, stableMs: 60_000, settleMs: 5000 });
    p.decide("c", 0, { startedAt: 0, finishedAt: 100 });
    p.decide("c", 1500, { startedAt: 1000, finishedAt: 1400 });
    p.restarted("c", 3500, exit);
    p.decide("c", 4000, { startedAt: 3500, finishedAt: 3900 });
    expect(p.settling("c", 4000)).toBeUndefined();
    p.restarted("c", 8000, exit);
    expect(p.settling("c", 8000)).toMatchObject({ attempt: 3 });
    p.forget("c");
    expect(p.settling("c", 8000)).toBeUndefined();
  });
});

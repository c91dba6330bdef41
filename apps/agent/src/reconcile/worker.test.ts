import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FailedAttempt } from "./phase-model.js";
import { ReconcileWorker } from "./worker.js";

const KEY = "dev.demo.web";

/** A worker over a scripted reconcile: it fails while `failing` is set. */
function harness(): {
  worker: ReconcileWorker;
  failures: FailedAttempt[];
  runs: () => number;
  setFailing: (error: string | undefined) => void;
  setHash: (hash: string) => void;
} {
  const failures: FailedAttempt[] = [];
  let runs = 0;
  let failing: string | undefined = "pull failed";
  let hash = "h1";
  const worker = new ReconcileWorker({
    reconcile: () => {
      runs += 1;
      return failing === undefined ? Promise.resolve() : Promise.reject(new Error(failing));
    },
    failed: (key, failure) => {
      expect(key).toBe(KEY);
      failures.push(failure);
    },
    desiredHash: () => hash,
    maxRetryMs: 8_000,
  });
  return {
    worker,
    failures,
    runs: () => runs,
    setFailing: (error) => {
      failing = error;
    },
    setHash: (next) => {
      hash = next;
    },
  };
}

describe("reconcile worker - retries", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0); // no jitter: the full delay, exact doubling
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("reports each failed attempt with its number and the time to the next one, backing off to the cap", async () => {
    const h = harness();
    h.worker.enqueue(KEY);
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.advanceTimersByTimeAsync(4_000);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(h.failures).toEqual([
      { error: "pull failed", attempt: 1, retryInMs: 2_000 },
      { error: "pull failed", attempt: 2, retryInMs: 4_000 },
      { error: "pull failed", attempt: 3, retryInMs: 8_000 },
      { error: "pull failed", attempt: 4, retryInMs: 8_000 },
    ]);
    await h.worker.stop();
  });

  it("a new desired state starts the count over", async () => {
    const h = harness();
    h.worker.enqueue(KEY);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.failures.map((f) => f.attempt)).toEqual([1, 2]);
    h.setHash("h2");
    h.worker.enqueue(KEY);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.failures.at(-1)).toEqual({ error: "pull failed", attempt: 1, retryInMs: 2_000 });
    await h.worker.stop();
  });

  it("says when the next attempt really is when an earlier one is already due", async () => {
    const h = harness();
    h.worker.enqueue(KEY);
    await vi.advanceTimersByTimeAsync(0); // attempt 1: next in 2 s
    await vi.advanceTimersByTimeAsync(500);
    h.worker.enqueue(KEY); // e.g. a resync, 0.5 s later: attempt 2 would wait 4 s
    await vi.advanceTimersByTimeAsync(0);
    expect(h.failures.at(-1)).toEqual({ error: "pull failed", attempt: 2, retryInMs: 1_500 });
    await h.worker.stop();
  });

  it("a success ends the retries", async () => {
    const h = harness();
    h.worker.enqueue(KEY);
    await vi.advanceTimersByTimeAsync(0);
    h.setFailing(undefined);
    await vi.advanceTimersByTimeAsync(2_000);
    const runs = h.runs();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.runs()).toBe(runs);
    expect(h.failures).toHaveLength(1);
    await h.worker.stop();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { KeyedQueue, type FailedRun, type KeyWork } from "./keyed-queue.js";

const exact = { initialMs: 1000, maxMs: 4000, jitter: 0 };

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("keyed queue - serialization", () => {
  it("keyed queue - never runs one key twice at once and collapses requests made meanwhile", async () => {
    const gate = deferred();
    const runs: string[] = [];
    let active = 0;
    let maxActive = 0;
    const queue = new KeyedQueue(
      async (key) => {
        runs.push(key);
        active += 1;
        maxActive = Math.max(maxActive, active);
        if (runs.length === 1) await gate.promise;
        active -= 1;
      },
      { retry: exact },
    );
    queue.add("a");
    queue.add("a");
    queue.add("a");
    expect(queue.depth).toBe(1);
    gate.resolve();
    await queue.idle();
    expect(runs).toEqual(["a", "a"]);
    expect(maxActive).toBe(1);
  });

  it("keyed queue - starts different keys at once when unlimited", async () => {
    const gate = deferred();
    const started: string[] = [];
    const queue = new KeyedQueue(
      async (key) => {
        started.push(key);
        await gate.promise;
      },
      { retry: exact },
    );
    queue.add("a");
    queue.add("b");
    expect(started).toEqual(["a", "b"]);
    gate.resolve();
    await queue.idle();
  });

  it("keyed queue - runs different keys in parallel only up to the limit, reporting the depth", async () => {
    const gate = deferred();
    let running = 0;
    let maxRunning = 0;
    const depths: number[] = [];
    const queue = new KeyedQueue(
      async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await gate.promise;
        running -= 1;
      },
      { retry: exact, concurrency: 2, onDepthChange: (depth) => depths.push(depth) },
    );
    for (const key of ["a", "b", "c"]) queue.add(key);
    expect(running).toBe(2);
    expect(queue.depth).toBe(1);
    gate.resolve();
    await queue.idle();
    expect(maxRunning).toBe(2);
    expect(depths.at(-1)).toBe(0);
  });

  it("keyed queue - a forced request is not lost when it collapses into a plain one", async () => {
    const gate = deferred();
    const seen: boolean[] = [];
    const queue = new KeyedQueue(
      async (_key, force) => {
        seen.push(force);
        if (seen.length === 1) await gate.promise;
      },
      { retry: exact },
    );
    queue.add("a");
    queue.add("a");
    queue.add("a", true);
    gate.resolve();
    await queue.idle();
    expect(seen).toEqual([false, true]);
  });
});

describe("keyed queue - retries", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A queue over a key that fails while `failing` is set, recording every failure. */
  function failingQueue(options: { versionOf?: (key: string) => string } = {}): {
    queue: KeyedQueue;
    failures: FailedRun[];
    forces: boolean[];
    setFailing: (failing: boolean) => void;
  } {
    const failures: FailedRun[] = [];
    const forces: boolean[] = [];
    let failing = true;
    const work: KeyWork = (_key, force) => {
      forces.push(force);
      return failing ? Promise.reject(new Error("transient")) : Promise.resolve();
    };
    const queue = new KeyedQueue(work, {
      retry: exact,
      ...options,
      onFailure: (key, error, run) => {
        expect(key).toBe("a");
        expect(error).toBeInstanceOf(Error);
        failures.push(run);
      },
    });
    return {
      queue,
      failures,
      forces,
      setFailing: (next) => {
        failing = next;
      },
    };
  }

  it("keyed queue - retries a failed key along the backoff curve, keeping its force flag", async () => {
    const q = failingQueue();
    q.queue.add("a", true);
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(2000);
    await vi.advanceTimersByTimeAsync(4000);
    expect(q.failures).toEqual([
      { attempt: 1, retryInMs: 1000 },
      { attempt: 2, retryInMs: 2000 },
      { attempt: 3, retryInMs: 4000 },
      { attempt: 4, retryInMs: 4000 },
    ]);
    expect(q.forces).toEqual([true, true, true, true]);
    q.queue.stop();
  });

  it("keyed queue - a success ends the retries and the next failure counts from 1", async () => {
    const q = failingQueue();
    q.queue.add("a");
    await vi.advanceTimersByTimeAsync(0);
    q.setFailing(false);
    await vi.advanceTimersByTimeAsync(1000);
    const runs = q.forces.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(q.forces).toHaveLength(runs);
    q.setFailing(true);
    q.queue.add("a");
    await vi.advanceTimersByTimeAsync(0);
    expect(q.failures.map((f) => f.attempt)).toEqual([1, 1]);
    q.queue.stop();
  });

  it("keyed queue - a failure of a new version starts the count over", async () => {
    let version = "v1";
    const q = failingQueue({ versionOf: () => version });
    q.queue.add("a");
    await vi.advanceTimersByTimeAsync(1000);
    expect(q.failures.map((f) => f.attempt)).toEqual([1, 2]);
    version = "v2";
    q.queue.add("a");
    await vi.advanceTimersByTimeAsync(0);
    expect(q.failures.at(-1)).toEqual({ attempt: 1, retryInMs: 1000 });
    q.queue.stop();
  });

  it("keyed queue - says when the next run really is when an earlier one is already scheduled", async () => {
    const q = failingQueue();
    q.queue.add("a"); // attempt 1: again in 1 s
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(400);
    q.queue.add("a"); // attempt 2 would wait 2 s, but the run 0.6 s from now stays
    await vi.advanceTimersByTimeAsync(0);
    expect(q.failures.at(-1)).toEqual({ attempt: 2, retryInMs: 600 });
    expect(q.queue.addAfter("a", 5000)).toBe(600);
    q.queue.stop();
  });

  it("keyed queue - stop drops waiting and scheduled runs and lets the running one finish", async () => {
    const gate = deferred();
    const runs: string[] = [];
    const queue = new KeyedQueue(
      async (key) => {
        runs.push(key);
        if (key === "a") await gate.promise;
      },
      { retry: exact, concurrency: 1 },
    );
    queue.add("a");
    queue.add("b");
    queue.addAfter("c", 10);
    queue.stop();
    queue.add("d");
    const idle = queue.idle();
    gate.resolve();
    await idle;
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual(["a"]);
    expect(queue.depth).toBe(0);
  });
});

import pino from "pino";
import { describe, expect, it } from "vitest";
import { KeyedWorkQueue } from "./work-queue.js";

const log = pino({ level: "silent" });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("KeyedWorkQueue", () => {
  it("KeyedWorkQueue - never runs one key twice at once, and reruns a key added while it ran", async () => {
    const gate = deferred();
    let running = 0;
    let maxRunning = 0;
    const calls: string[] = [];
    const queue = new KeyedWorkQueue(
      async (key) => {
        calls.push(key);
        running++;
        maxRunning = Math.max(maxRunning, running);
        if (calls.length === 1) await gate.promise;
        running--;
      },
      { concurrency: 4, baseRetryMs: 10, maxRetryMs: 10 },
      log,
    );
    queue.add("a");
    queue.add("a");
    queue.add("a");
    expect(queue.depth).toBe(1);
    gate.resolve();
    await queue.idle();
    expect(calls).toEqual(["a", "a"]);
    expect(maxRunning).toBe(1);
  });

  it("KeyedWorkQueue - different keys run in parallel up to the limit", async () => {
    const gate = deferred();
    let running = 0;
    let maxRunning = 0;
    const queue = new KeyedWorkQueue(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gate.promise;
        running--;
      },
      { concurrency: 2, baseRetryMs: 10, maxRetryMs: 10 },
      log,
    );
    for (const key of ["a", "b", "c"]) queue.add(key);
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(2);
    gate.resolve();
    await queue.idle();
    expect(maxRunning).toBe(2);
  });

  it("KeyedWorkQueue - a failure is retried, keeping the force flag", async () => {
    const seen: boolean[] = [];
    const done = deferred();
    const queue = new KeyedWorkQueue(
      (_key, force) => {
        seen.push(force);
        if (seen.length < 3) return Promise.reject(new Error("transient"));
        done.resolve();
        return Promise.resolve();
      },
      { concurrency: 1, baseRetryMs: 5, maxRetryMs: 20 },
      log,
    );
    queue.add("a", true);
    await done.promise;
    expect(seen).toEqual([true, true, true]);
    queue.stop();
  });
});

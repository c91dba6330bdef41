import { describe, expect, it } from "vitest";
import { KeyedQueue } from "./keyed-queue.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("keyed queue - serialization", () => {
  it("keyed queue - never runs one key twice at once and collapses requests made meanwhile", async () => {
    const runs: string[] = [];
    let active = 0;
    let maxActive = 0;
    const gate = deferred();
    const queue = new KeyedQueue(
      async (key) => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        runs.push(key);
        if (runs.length === 1) await gate.promise;
        active -= 1;
      },
      () => undefined,
    );
    queue.enqueue("a");
    queue.enqueue("a");
    queue.enqueue("a");
    gate.resolve();
    await queue.idle();
    expect(runs).toEqual(["a", "a"]);
    expect(maxActive).toBe(1);
  });

  it("keyed queue - runs different keys concurrently", async () => {
    const gate = deferred();
    const started: string[] = [];
    const queue = new KeyedQueue(
      async (key) => {
        started.push(key);
        await gate.promise;
      },
      () => undefined,
    );
    queue.enqueue("a");
    queue.enqueue("b");
    expect(started).toEqual(["a", "b"]);
    gate.resolve();
    await queue.idle();
  });

  it("keyed queue - reports a failing run and keeps serving the key", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const queue = new KeyedQueue(
      () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error("boom")) : Promise.resolve();
      },
      (_key, error) => errors.push(error),
    );
    queue.enqueue("a");
    await queue.idle();
    queue.enqueue("a");
    await queue.idle();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });
});

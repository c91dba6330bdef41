import { KubeConfig } from "@kubernetes/client-node";
import { silentLogger } from "@fleet/runtime";
import { describe, expect, it } from "vitest";
import { ResourceWatch, type WatchedObject } from "./resource-watch.js";

describe("ResourceWatch", () => {
  it("gives up on a list that never answers and lists again (no wait forever)", async () => {
    let calls = 0;
    let listedAgain!: () => void;
    const relisted = new Promise<void>((resolve) => {
      listedAgain = resolve;
    });
    const watch = new ResourceWatch<WatchedObject>({
      // Never contacted: the test ends in the handler of the second list.
      kc: new KubeConfig(),
      path: "/apis/example.com/v1/things",
      list: () => {
        calls++;
        // The first list hangs like a request on a connection the server dropped.
        return calls === 1
          ? new Promise(() => undefined)
          : Promise.resolve({ items: [], resourceVersion: "1" });
      },
      keyOf: () => "thing",
      handlers: {
        changed: () => undefined,
        deleted: () => undefined,
        listed: () => {
          listedAgain();
        },
      },
      watchdogMs: 100,
      what: "things",
      log: silentLogger(),
    });
    watch.start();
    try {
      await relisted;
      expect(calls).toBe(2);
      expect(watch.synced).toBe(true);
    } finally {
      await watch.close();
    }
  });
});

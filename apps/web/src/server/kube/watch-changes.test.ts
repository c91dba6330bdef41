// The list-retry policy of watchChanges, with a list function that fails on
// purpose. The watch itself runs against the real API server in
// routers/deployments-watch.integration.test.ts.
import { createConfiguration, ServerConfiguration } from "@kubernetes/client-node";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { watchChanges, type Listed } from "./watch-changes";

// Never contacted: each test stops before a watch is opened.
const configuration = createConfiguration({
  baseServer: new ServerConfiguration("https://127.0.0.1:1", {}),
});

function changesOf(list: () => Promise<Listed>, signal: AbortSignal) {
  return watchChanges({
    configuration,
    path: "/apis/iot.nationtech.io/v1alpha1/deployments",
    list,
    parse: (object) => object as string,
    signal,
  })[Symbol.asyncIterator]();
}

describe("watch changes - listing", () => {
  it("retries a list that failed for a passing reason (the API server warming up)", async () => {
    let calls = 0;
    const list = (): Promise<Listed> => {
      calls += 1;
      if (calls === 1) {
        return Promise.reject(
          new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Kubernetes answered 429" }),
        );
      }
      return Promise.resolve({ items: ["a"], resourceVersion: "7" });
    };
    const abort = new AbortController();
    const changes = changesOf(list, abort.signal);
    expect(await changes.next()).toEqual({
      done: false,
      value: { type: "snapshot", items: ["a"] },
    });
    expect(calls).toBe(2);
    abort.abort();
    await changes.return(undefined);
  });

  it("gives up at once when the user may not list", async () => {
    const forbidden = new TRPCError({ code: "FORBIDDEN", message: "You may not list deployments" });
    const changes = changesOf(() => Promise.reject(forbidden), new AbortController().signal);
    await expect(changes.next()).rejects.toBe(forbidden);
  });
});

import { describe, expect, it } from "vitest";
import { Checklist } from "./checklist.js";

describe("doctor - checklist", () => {
  it("checklist - records passes, failures (thrown or reported) and checks that could not run", async () => {
    const list = new Checklist(5_000);
    expect(
      await list.run("one", () => Promise.resolve({ passed: true, detail: "ok", value: 1 })),
    ).toBe(1);
    expect(
      await list.run("two", () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:4222"))),
    ).toBeUndefined();
    list.notRun("three", "a NATS connection");
    // A failed check may still hand its value on.
    expect(
      await list.run("four", () =>
        Promise.resolve({ passed: false, detail: "mode 0644", value: "key" }),
      ),
    ).toBe("key");
    expect(list.results).toEqual([
      { name: "one", status: "pass", detail: "ok" },
      { name: "two", status: "fail", detail: "connect ECONNREFUSED 127.0.0.1:4222" },
      { name: "three", status: "not-run", detail: "not checked: needs a NATS connection" },
      { name: "four", status: "fail", detail: "mode 0644" },
    ]);
    expect(list.allPassed).toBe(false);
  });

  it("checklist - a check that does not answer in time fails, is aborted, and the next one runs", async () => {
    const list = new Checklist(50);
    let aborted = false;
    await list.run("hangs", (signal) => {
      signal.addEventListener("abort", () => {
        aborted = true;
      });
      return new Promise<never>(() => undefined);
    });
    await list.run("next", () => Promise.resolve({ passed: true, detail: "ran" }));
    expect(list.results).toEqual([
      { name: "hangs", status: "fail", detail: "no answer within 0.05 s" },
      { name: "next", status: "pass", detail: "ran" },
    ]);
    expect(aborted).toBe(true);
  });

  it("checklist - all passed only when every check passed", async () => {
    const list = new Checklist(5_000);
    await list.run("one", () => Promise.resolve({ passed: true, detail: "ok" }));
    expect(list.allPassed).toBe(true);
    list.notRun("two", "one");
    expect(list.allPassed).toBe(false);
  });
});

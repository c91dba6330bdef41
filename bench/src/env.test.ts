import { describe, expect, it } from "vitest";
import { readEnv } from "./env.js";

describe("bench env", () => {
  it("bench env - the soak runs 30 minutes unless BENCH_SOAK_MINUTES or --minutes says otherwise, the flag first", () => {
    expect(readEnv({}).BENCH_SOAK_MINUTES).toBe(30);
    expect(readEnv({ BENCH_SOAK_MINUTES: "5" }).BENCH_SOAK_MINUTES).toBe(5);
    expect(
      readEnv({ BENCH_SOAK_MINUTES: "5" }, { BENCH_SOAK_MINUTES: "3" }).BENCH_SOAK_MINUTES,
    ).toBe(3);
  });

  it("bench env - a bad --minutes is refused, naming the flag", () => {
    expect(() => readEnv({}, { BENCH_SOAK_MINUTES: "half" })).toThrow(/--minutes/);
    expect(() => readEnv({}, { BENCH_SOAK_MINUTES: "0" })).toThrow(/above 0/);
  });
});

import { describe, expect, it } from "vitest";
import { PolicyIndex } from "./policy-index.js";
import type { DevicePolicy } from "./policy-source.js";

const policy = (deviceId: string, userId: string, disabled = false): DevicePolicy => ({
  deviceId,
  userId,
  disabled,
  grants: ["desired-state.read"],
  drained: true,
});

describe("policy-index", () => {
  it("lookup - finds a device by its user, and misses an unknown user", () => {
    const index = new PolicyIndex(10);
    index.set(policy("a", "1"));
    expect(index.lookup("1")).toEqual({ found: true, policy: policy("a", "1") });
    expect(index.lookup("2")).toBeUndefined();
  });

  it("set - a changed identity moves the device to its new user", () => {
    const index = new PolicyIndex(10);
    index.set(policy("a", "1"));
    index.set(policy("a", "2", true));
    expect(index.lookup("1")).toBeUndefined();
    expect(index.lookup("2")).toEqual({ found: true, policy: policy("a", "2", true) });
    expect(index.size).toBe(1);
  });

  it("lookup - one user on two devices is refused, naming both", () => {
    const index = new PolicyIndex(10);
    index.set(policy("b", "1"));
    index.set(policy("a", "1"));
    expect(index.lookup("1")).toEqual({
      found: false,
      reason: "user 1 is the identity of several devices (a, b)",
    });
    index.delete("b");
    expect(index.lookup("1")).toEqual({ found: true, policy: policy("a", "1") });
  });

  it("bounded - past max devices the least recently used is dropped, with its user", () => {
    const index = new PolicyIndex(2);
    index.set(policy("a", "1"));
    index.set(policy("b", "2"));
    expect(index.lookup("1")?.found).toBe(true); // a is now more recent than b
    index.set(policy("c", "3"));
    expect(index.size).toBe(2);
    expect(index.lookup("2")).toBeUndefined();
    expect(index.lookup("1")?.found).toBe(true);
    expect(index.lookup("3")?.found).toBe(true);
  });
});

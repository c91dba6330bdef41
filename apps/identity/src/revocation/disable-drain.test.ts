import { silentLogger } from "@fleet/runtime";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DevicePolicy } from "../policy/index.js";
import { DisableDrain } from "./disable-drain.js";

const policy = (change: Partial<DevicePolicy> = {}): DevicePolicy => ({
  deviceId: "pi-a",
  userId: "1001",
  disabled: false,
  grants: ["desired-state.read", "agent-status.write"],
  drained: false,
  ...change,
});

function setup(timeoutMs = 30_000): { drain: DisableDrain; kicked: string[] } {
  const kicked: string[] = [];
  const drain = new DisableDrain((deviceId) => kicked.push(deviceId), timeoutMs, silentLogger());
  return { drain, kicked };
}

describe("DisableDrain", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("DisableDrain - a disabled device is kicked when its status says drained, not before", () => {
    const { drain, kicked } = setup();
    drain.observe(policy());
    drain.observe(policy({ disabled: true }));
    vi.advanceTimersByTime(29_000);
    expect(kicked).toEqual([]);
    drain.observe(policy({ disabled: true, drained: true }));
    expect(kicked).toEqual(["pi-a"]);
    vi.advanceTimersByTime(60_000);
    expect(kicked).toEqual(["pi-a"]);
    expect(drain.draining).toBe(0);
  });

  it("DisableDrain - never drained (operator down): kicked when the timeout passes", () => {
    const { drain, kicked } = setup(30_000);
    drain.observe(policy());
    drain.observe(policy({ disabled: true }));
    vi.advanceTimersByTime(29_999);
    expect(kicked).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(kicked).toEqual(["pi-a"]);
    drain.observe(policy({ disabled: true, drained: true }));
    expect(kicked).toEqual(["pi-a"]);
  });

  it("DisableDrain - enabled again while draining: never kicked", () => {
    const { drain, kicked } = setup();
    drain.observe(policy());
    drain.observe(policy({ disabled: true }));
    drain.observe(policy());
    vi.advanceTimersByTime(60_000);
    expect(kicked).toEqual([]);
  });

  it("DisableDrain - a deleted device or a new identity is kicked at once", () => {
    const { drain, kicked } = setup();
    drain.observe(policy());
    drain.observe(policy({ userId: "1002" }));
    expect(kicked).toEqual(["pi-a"]);
    drain.observe(policy({ userId: "1002", disabled: true, drained: true, grants: [] }));
    expect(kicked).toEqual(["pi-a", "pi-a"]);
  });

  it("DisableDrain - a timeout of 0 kicks on the next tick, as before drains existed", () => {
    const { drain, kicked } = setup(0);
    drain.observe(policy());
    drain.observe(policy({ disabled: true }));
    vi.advanceTimersByTime(0);
    expect(kicked).toEqual(["pi-a"]);
  });
});

import { describe, expect, it } from "vitest";
import type { DevicePolicy } from "../policy/index.js";
import { DeviceChanges } from "./device-changes.js";

const policy = (change: Partial<DevicePolicy> = {}): DevicePolicy => ({
  deviceId: "pi-a",
  userId: "1001",
  disabled: false,
  grants: ["desired-state.read", "agent-status.write"],
  drained: false,
  ...change,
});

describe("device changes - which end the live connections, and when", () => {
  it("a device seen for the first time keeps its connections, unless it is disabled", () => {
    expect(new DeviceChanges().decide(policy())).toBe("keep");
    expect(new DeviceChanges().decide(policy({ disabled: true }))).toBe("drain");
    expect(new DeviceChanges().decide(policy({ disabled: true, drained: true }))).toBe("kick");
  });

  it("disabling a device with workloads drains first: kicked once its status says drained, once", () => {
    const changes = new DeviceChanges();
    changes.decide(policy());
    expect(changes.decide(policy({ disabled: true }))).toBe("drain");
    expect(changes.decide(policy({ disabled: true }))).toBe("keep");
    expect(changes.decide(policy({ disabled: true, drained: true }))).toBe("kick");
    expect(changes.decide(policy({ disabled: true, drained: true }))).toBe("keep");
    expect(changes.decide(policy({ disabled: true, drained: false }))).toBe("keep");
  });

  it("disabling a drained device kicks at once; later changes of a disabled device do not kick again", () => {
    const changes = new DeviceChanges();
    changes.decide(policy({ drained: true }));
    expect(changes.decide(policy({ disabled: true, drained: true }))).toBe("kick");
    expect(changes.decide(policy({ disabled: true, drained: true, userId: "1002" }))).toBe("keep");
  });

  it("the drain timeout kicks a device still draining, and nothing else", () => {
    const changes = new DeviceChanges();
    changes.decide(policy());
    expect(changes.drainTimedOut("pi-a")).toBe(false);
    changes.decide(policy({ disabled: true }));
    expect(changes.drainTimedOut("pi-a")).toBe(true);
    expect(changes.drainTimedOut("pi-a")).toBe(false);
    // Drained after the timeout kicked it: no second kick.
    expect(changes.decide(policy({ disabled: true, drained: true }))).toBe("keep");
  });

  it("enabled again while draining: the drain is cancelled and the connection kept", () => {
    const changes = new DeviceChanges();
    changes.decide(policy());
    changes.decide(policy({ disabled: true }));
    expect(changes.decide(policy())).toBe("cancel-drain");
    expect(changes.drainTimedOut("pi-a")).toBe(false);
    expect(changes.decide(policy({ drained: true }))).toBe("keep");
  });

  it("a deleted device (reported disabled and drained) is kicked at once, even while draining", () => {
    const changes = new DeviceChanges();
    changes.decide(policy());
    expect(changes.decide(policy({ disabled: true, drained: true, grants: [] }))).toBe("kick");
    const draining = new DeviceChanges();
    draining.decide(policy());
    draining.decide(policy({ disabled: true }));
    expect(draining.decide(policy({ disabled: true, drained: true, grants: [] }))).toBe("kick");
  });

  it("a new identity or other grants kick at once; re-enabling or the same policy does not", () => {
    const changes = new DeviceChanges();
    changes.decide(policy());
    expect(changes.decide(policy())).toBe("keep");
    expect(changes.decide(policy({ grants: ["agent-status.write", "desired-state.read"] }))).toBe(
      "keep",
    );
    expect(changes.decide(policy({ userId: "1002" }))).toBe("kick");
    expect(changes.decide(policy({ userId: "1002", grants: ["desired-state.read"] }))).toBe("kick");
    changes.decide(
      policy({ userId: "1002", grants: ["desired-state.read"], disabled: true, drained: true }),
    );
    expect(changes.decide(policy({ userId: "1002", grants: ["desired-state.read"] }))).toBe("keep");
  });
});

import { describe, expect, it } from "vitest";
import type { DevicePolicy } from "../policy/index.js";
import { DeviceChanges } from "./device-changes.js";

const policy = (change: Partial<DevicePolicy> = {}): DevicePolicy => ({
  deviceId: "pi-a",
  userId: "1001",
  disabled: false,
  grants: ["desired-state.read", "agent-status.write"],
  ...change,
});

describe("device changes - which end the live connections", () => {
  it("a device seen for the first time keeps its connections, unless it is disabled", () => {
    expect(new DeviceChanges().endsConnections(policy())).toBe(false);
    expect(new DeviceChanges().endsConnections(policy({ disabled: true }))).toBe(true);
  });

  it("disabling ends them once; later changes of a disabled device do not kick again", () => {
    const changes = new DeviceChanges();
    changes.endsConnections(policy());
    expect(changes.endsConnections(policy({ disabled: true }))).toBe(true);
    expect(changes.endsConnections(policy({ disabled: true, userId: "1002" }))).toBe(false);
  });

  it("a new identity or other grants end them; re-enabling or the same policy does not", () => {
    const changes = new DeviceChanges();
    changes.endsConnections(policy());
    expect(changes.endsConnections(policy())).toBe(false);
    expect(
      changes.endsConnections(policy({ grants: ["agent-status.write", "desired-state.read"] })),
    ).toBe(false);
    expect(changes.endsConnections(policy({ userId: "1002" }))).toBe(true);
    expect(
      changes.endsConnections(policy({ userId: "1002", grants: ["desired-state.read"] })),
    ).toBe(true);
    changes.endsConnections(
      policy({ userId: "1002", grants: ["desired-state.read"], disabled: true }),
    );
    expect(
      changes.endsConnections(policy({ userId: "1002", grants: ["desired-state.read"] })),
    ).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { identityOnly, readDevice, revokedPolicy, samePolicy } from "./device-policy.js";

const identity = { userId: "1001", keyId: "k1" };

describe("device-policy", () => {
  it("readDevice - a Device with an identity gives its policy, defaults applied", () => {
    expect(readDevice({ metadata: { name: "pi-1" }, spec: { identity } })).toEqual({
      kind: "policy",
      policy: {
        deviceId: "pi-1",
        userId: "1001",
        disabled: false,
        grants: ["desired-state.read", "agent-status.write"],
        drained: true,
      },
    });
  });

  it("readDevice - drained once the operator's status reports no deployment, or Offline, or no connectivity yet", () => {
    const drainedWith = (status: unknown): unknown => {
      const reading = readDevice({ metadata: { name: "pi-1" }, spec: { identity }, status });
      return reading.kind === "policy" && reading.policy.drained;
    };
    expect(drainedWith(undefined)).toBe(true);
    expect(drainedWith({ connectivity: "Online", reportedDeployments: 2, conditions: [] })).toBe(
      false,
    );
    expect(drainedWith({ connectivity: "Online", conditions: [] })).toBe(false);
    expect(drainedWith({ connectivity: "Online", reportedDeployments: 0, conditions: [] })).toBe(
      true,
    );
    expect(drainedWith({ connectivity: "Offline", reportedDeployments: 2, conditions: [] })).toBe(
      true,
    );
    // A status the contracts refuse proves nothing: not drained (the timeout ends the wait).
    expect(drainedWith({ connectivity: "Online", reportedDeployments: -1 })).toBe(false);
  });

  it("readDevice - no identity, or anything malformed, gives no policy", () => {
    expect(readDevice({ metadata: { name: "pi-1" }, spec: {} })).toEqual({
      kind: "no-identity",
      deviceId: "pi-1",
    });
    const unknownGrant = readDevice({
      metadata: { name: "pi-1" },
      spec: { identity, grants: ["everything"] },
    });
    expect(unknownGrant).toMatchObject({ kind: "malformed", deviceId: "pi-1" });
    expect(unknownGrant.kind === "malformed" && unknownGrant.problem).toContain("spec.grants.0");
    expect(readDevice({ metadata: { name: "pi.1" }, spec: { identity } }).kind).toBe("malformed");
    expect(readDevice({ spec: { identity } }).kind).toBe("malformed");
    expect(
      readDevice({ metadata: { name: "pi-1" }, spec: { identity, disabled: "no" } }).kind,
    ).toBe("malformed");
  });

  it("samePolicy - grants compare as a set; any other field differs", () => {
    const a = {
      deviceId: "d",
      userId: "u",
      disabled: false,
      grants: ["desired-state.read", "agent-status.write"],
      drained: false,
    } as const;
    const policy = { ...a, grants: [...a.grants] };
    expect(
      samePolicy(policy, { ...policy, grants: ["agent-status.write", "desired-state.read"] }),
    ).toBe(true);
    expect(samePolicy(policy, { ...policy, grants: ["agent-status.write"] })).toBe(false);
    expect(samePolicy(policy, { ...policy, disabled: true })).toBe(false);
    expect(samePolicy(policy, { ...policy, userId: "v" })).toBe(false);
    expect(samePolicy(policy, { ...policy, drained: true })).toBe(false);
  });

  it("revokedPolicy - disabled with nothing granted, and nothing to drain", () => {
    expect(revokedPolicy("d", "u")).toEqual({
      deviceId: "d",
      userId: "u",
      disabled: true,
      grants: [],
      drained: true,
    });
  });

  it("identityOnly - keeps the name and resourceVersion only", () => {
    expect(
      identityOnly({
        apiVersion: "iot.nationtech.io/v1alpha1",
        metadata: { name: "pi-1", resourceVersion: "7", labels: { a: "b" } },
        spec: { identity },
      }),
    ).toEqual({ metadata: { name: "pi-1", resourceVersion: "7" } });
  });
});

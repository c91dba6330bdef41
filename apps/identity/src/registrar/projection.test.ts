import { describe, expect, it } from "vitest";
import { registrarProjection } from "./registrar.js";

const enrollment = { publicKey: "PEM", token: "lab", requestedAt: "2026-11-30T12:00:00Z" };
const device = (spec: Record<string, unknown>) => ({
  metadata: { name: "pi", resourceVersion: "7", labels: { app: "kiosk" }, uid: "u" },
  spec: {
    disabled: false,
    approved: true,
    grants: ["desired-state.read"],
    description: "x".repeat(900),
    ...spec,
  },
  status: {
    phase: "Enrolled",
    connectivity: "Online",
    inventory: { arch: "arm64" },
    conditions: [],
  },
});

describe("registrar - what it keeps of a Device", () => {
  it("keeps a pending device's enrollment (its status is answered from here) and only its own status fields", () => {
    expect(registrarProjection(device({ enrollment }))).toEqual({
      metadata: { name: "pi", resourceVersion: "7" },
      spec: { disabled: false, approved: true, identity: undefined, enrollment },
      status: { phase: "Enrolled", identity: undefined, message: undefined },
    });
  });

  it("drops an enrolled device's key, and everything else it does not decide on", () => {
    const kept = registrarProjection(device({ enrollment, identity: { userId: "1", keyId: "2" } }));
    expect(kept.spec).toEqual({
      disabled: false,
      approved: true,
      identity: { userId: "1", keyId: "2" },
    });
    expect(JSON.stringify(kept)).not.toContain("PEM");
  });
});

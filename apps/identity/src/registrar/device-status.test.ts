import { deviceSpecSchema, type DeviceSpec, type DeviceStatus } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { APPROVED_MESSAGE, ownedStatusPatch, pendingApprovalMessage } from "./device-status.js";

const NOW = new Date("2026-11-30T12:00:00Z");
const EARLIER = "2026-11-01T00:00:00Z";
const enrollment = {
  publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
  token: "lab",
  requestedAt: EARLIER,
};
const spec = (input: Record<string, unknown>): DeviceSpec => deviceSpecSchema.parse(input);
type Owned = Pick<DeviceStatus, "phase" | "identity" | "message">;
const patch = (s: DeviceSpec, current: Owned = {}, error?: string): unknown =>
  ownedStatusPatch("pi", s, current, NOW, error);

describe("registrar - the status fields iot-identity owns", () => {
  it("says why an enrolled device waits, and that an approved one is being issued", () => {
    expect(patch(spec({ enrollment }))).toEqual({
      phase: "PendingApproval",
      message: pendingApprovalMessage("pi"),
    });
    expect(patch(spec({ enrollment, approved: true }))).toEqual({
      phase: "PendingApproval",
      message: APPROVED_MESSAGE,
    });
    expect(patch(spec({ enrollment, approved: true }), {}, "IdP down")).toEqual({
      phase: "PendingApproval",
      message: "approved, but issuing its identity failed (retrying): IdP down",
    });
  });

  it("an enrolled device: phase, key id and when it was issued; no message", () => {
    const enrolled = spec({ identity: { userId: "1", keyId: "k1" } });
    expect(patch(enrolled, { phase: "PendingApproval", message: "waiting" })).toEqual({
      phase: "Enrolled",
      identity: { keyId: "k1", issuedAt: NOW.toISOString() },
      message: null,
    });
  });

  it("writes nothing when the status is already right", () => {
    const enrolled = spec({ identity: { userId: "1", keyId: "k1" } });
    expect(
      patch(enrolled, { phase: "Enrolled", identity: { keyId: "k1", issuedAt: EARLIER } }),
    ).toBe(undefined);
    expect(
      patch(spec({ enrollment }), {
        phase: "PendingApproval",
        message: pendingApprovalMessage("pi"),
      }),
    ).toBe(undefined);
  });

  it("a new key id is a rotation: issuedAt stays, rotatedAt is now", () => {
    const rotated = spec({ identity: { userId: "1", keyId: "k2" } });
    expect(
      patch(rotated, { phase: "Enrolled", identity: { keyId: "k1", issuedAt: EARLIER } }),
    ).toEqual({
      identity: { keyId: "k2", issuedAt: EARLIER, rotatedAt: NOW.toISOString() },
    });
  });

  it("disabled wins over every other phase; an identity taken away is removed from status", () => {
    expect(patch(spec({ disabled: true, identity: { userId: "1", keyId: "k1" } }))).toMatchObject({
      phase: "Disabled",
      message: "disabled by a deployer (spec.disabled)",
    });
    expect(
      patch(spec({ enrollment }), {
        phase: "Enrolled",
        identity: { keyId: "k1", issuedAt: EARLIER },
      }),
    ).toMatchObject({ phase: "PendingApproval", identity: null });
  });

  it("a device with neither identity nor enrollment is told how to recover", () => {
    expect(patch(spec({}))).toMatchObject({
      phase: "PendingApproval",
      message: expect.stringContaining("iot-operator device add") as unknown,
    });
  });
});

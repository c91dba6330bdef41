import { deviceManifest, type DeviceResource } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { deviceTable } from "./device-table.js";

const enrollment = {
  publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
  token: "enroll-1",
  requestedAt: "2026-11-30T10:00:00Z",
};

const withStatus = (device: DeviceResource, status: DeviceResource["status"]): DeviceResource => ({
  ...device,
  status,
});

describe("device list table", () => {
  it("has one aligned row per device: phase, online, identity, labels; a dash for what is missing", () => {
    const text = deviceTable([
      withStatus(
        deviceManifest({
          name: "pi-1",
          labels: { site: "berlin", tier: "edge" },
          spec: { identity: { userId: "311111", keyId: "322222" } },
        }),
        { connectivity: "Online", conditions: [] },
      ),
      withStatus(
        deviceManifest({
          name: "pi-22",
          spec: { disabled: true, identity: { userId: "4", keyId: "5" } },
        }),
        { connectivity: "Offline", conditions: [] },
      ),
      deviceManifest({ name: "pi-3", labels: { app: "kiosk" }, spec: { enrollment } }),
      deviceManifest({ name: "pi-4", spec: { enrollment, approved: true } }),
    ]);
    expect(text.split("\n")).toEqual([
      "ID     PHASE                       ONLINE  USER ID  KEY ID  LABELS",
      "pi-1   Enrolled                    yes     311111   322222  site=berlin,tier=edge",
      "pi-22  Disabled                    no      4        5       -",
      "pi-3   PendingApproval             -       -        -       app=kiosk",
      "pi-4   PendingApproval (approved)  -       -        -       -",
      "",
    ]);
  });

  it("says so when there is no device", () => {
    expect(deviceTable([])).toBe("no devices\n");
  });
});

import { deviceManifest } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { deviceTable } from "./device-table.js";

describe("device list table", () => {
  it("has one aligned row per device, a dash for what is missing", () => {
    const text = deviceTable([
      deviceManifest({
        name: "pi-1",
        labels: { site: "berlin", tier: "edge" },
        spec: { identity: { userId: "311111", keyId: "322222" } },
      }),
      deviceManifest({ name: "pi-22", spec: { disabled: true } }),
    ]);
    expect(text.split("\n")).toEqual([
      "ID     DISABLED  USER ID  KEY ID  LABELS",
      "pi-1   no        311111   322222  site=berlin,tier=edge",
      "pi-22  yes       -        -       -",
      "",
    ]);
  });

  it("says so when there is no device", () => {
    expect(deviceTable([])).toBe("no devices\n");
  });
});

import { deviceIdSchema } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { deviceIdFromHostname } from "./device-id.js";

describe("enroll - device id from the host name", () => {
  it("enroll - a host name becomes a DNS-1123 label: lowercased, first label only, odd characters as '-'", () => {
    expect(deviceIdFromHostname("Pi_Kitchen.local")).toBe("pi-kitchen");
    expect(deviceIdFromHostname("raspberrypi")).toBe("raspberrypi");
    expect(deviceIdFromHostname("--edge  box 7--")).toBe("edge-box-7");
  });

  it("enroll - a long host name is cut to 63 characters and still ends with a letter or digit", () => {
    const id = deviceIdFromHostname(`${"a".repeat(62)}-b`);
    expect(id).toBe("a".repeat(62));
    expect(deviceIdSchema.safeParse(id).success).toBe(true);
  });

  it("enroll - a host name with nothing usable gives no id", () => {
    expect(deviceIdFromHostname("")).toBeUndefined();
    expect(deviceIdFromHostname("___")).toBeUndefined();
    expect(deviceIdFromHostname(".local")).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { containerName, isOwnedBy, LABELS, MANAGED_BY, ownerLabels } from "./container-labels.js";

describe("container labels", () => {
  it("ownerLabels - marks managed-by and the device; isOwnedBy needs both", () => {
    expect(isOwnedBy(ownerLabels("pi-1"), "pi-1")).toBe(true);
    expect(isOwnedBy(ownerLabels("pi-1"), "pi-2")).toBe(false);
    expect(isOwnedBy({ [LABELS.device]: "pi-1" }, "pi-1")).toBe(false);
    expect(isOwnedBy({ [LABELS.managedBy]: MANAGED_BY }, "pi-1")).toBe(false);
  });

  it("containerName - one name per device, namespace, name and service; no two keys collide", () => {
    expect(containerName("pi-1.demo.web_v2", "nginx")).toBe("fleet_pi-1_demo_web.v2_nginx");
    expect(containerName("a-b.c.web", "s")).not.toBe(containerName("a.b-c.web", "s"));
  });
});

import { describe, expect, it } from "vitest";
import type { RegisteredDevice } from "./device-rows";
import { deviceFilter } from "./device-filter";

const device = (
  id: string,
  labels: Record<string, string>,
  phase: RegisteredDevice["phase"],
): RegisteredDevice => ({ id, labels, phase, disabled: phase === "Disabled", approved: false });

const devices = [
  device("a", { site: "berlin", tier: "edge" }, "Enrolled"),
  device("b", { site: "paris", tier: "core" }, "PendingApproval"),
  device("c", { site: "berlin", legacy: "yes" }, "Disabled"),
  device("d", {}, "PendingApproval"),
];

function shown(selector: string, phase: RegisteredDevice["phase"] | "" = ""): string[] {
  const filter = deviceFilter({ selector, phase });
  if (!filter.ok) throw new Error(filter.error);
  return devices.filter(filter.matches).map((d) => d.id);
}

describe("devices filter", () => {
  it("empty fields show every device", () => {
    expect(shown("  ")).toEqual(["a", "b", "c", "d"]);
  });

  it("matches labels with kubectl's selector syntax", () => {
    expect(shown("site=berlin")).toEqual(["a", "c"]);
    expect(shown("site=berlin,!legacy")).toEqual(["a"]);
    expect(shown("tier in (edge,core)")).toEqual(["a", "b"]);
    expect(shown("site!=berlin")).toEqual(["b", "d"]);
  });

  it("filters by phase, alone or with a selector", () => {
    expect(shown("", "PendingApproval")).toEqual(["b", "d"]);
    expect(shown("site", "PendingApproval")).toEqual(["b"]);
  });

  it("names the selector's problem and where it is", () => {
    const filter = deviceFilter({ selector: "site=berlin,tier in (edge", phase: "" });
    expect(filter.ok).toBe(false);
    expect(!filter.ok && filter.field).toBe("selector");
    expect(!filter.ok && filter.error).toMatch(/^label selector: .*\(at character \d+\)$/);
  });
});

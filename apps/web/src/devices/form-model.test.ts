import { describe, expect, it } from "vitest";
import { parseLabels, validateDevice } from "./form-model";

describe("add-device form model", () => {
  it("turns the values into the tRPC input", () => {
    expect(validateDevice({ id: " pi-7 ", labels: "site=berlin,\n tier = edge" })).toEqual({
      ok: true,
      input: { id: "pi-7", labels: { site: "berlin", tier: "edge" } },
    });
    expect(validateDevice({ id: "pi-7", labels: "" })).toEqual({
      ok: true,
      input: { id: "pi-7", labels: {} },
    });
  });

  it("puts a bad id under the id field, with the contracts' message", () => {
    const result = validateDevice({ id: "Pi_7", labels: "" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.id).toMatch(/DNS-1123 label/);
  });

  it("puts label problems under the labels field, naming the label", () => {
    expect(parseLabels("site")).toEqual({
      ok: false,
      error: '"site" must be key=value, such as site=berlin',
    });
    const twice = validateDevice({ id: "pi-7", labels: "a=1,a=2" });
    expect(!twice.ok && twice.errors).toEqual({ labels: 'label "a" is given twice' });
    const badValue = validateDevice({ id: "pi-7", labels: "site=no spaces" });
    expect(!badValue.ok && badValue.errors.labels).toMatch(/^site: label value must be/);
  });
});

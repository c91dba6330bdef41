import { describe, expect, it } from "vitest";
import { initialValues, validate } from "./form-model";

describe("deployment form model - validation with the contracts' schemas", () => {
  it("accepts the nginx preset with a target", () => {
    const result = validate({ ...initialValues(), targetDevices: ["pi-1"] });
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.input.spec.score.PodmanV0.services[0]?.ports[0]).toEqual({
        hostPort: 8080,
        containerPort: 80,
        protocol: "TCP",
      });
  });

  it("puts each issue on its field", () => {
    const result = validate({
      ...initialValues(),
      name: "Bad_Name",
      hostPort: "70000",
      image: "",
      targetDevices: [],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.name).toMatch(/DNS-1123/);
      expect(result.errors.hostPort).toBe("must be a port number from 1 to 65535");
      expect(result.errors.image).toBe("must name a container image");
      expect(result.errors.targetDevices).toBe("must name at least one device");
    }
  });
});

describe("deployment form model - targeting a label selector", () => {
  const selectorValues = { ...initialValues(), targeting: "selector" as const };

  it("turns kubectl text into spec.targetSelector, with no device list", () => {
    const result = validate({
      ...selectorValues,
      selectorText: "app=kiosk,region in (eu,us),!legacy",
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.input.spec.targetDevices).toBeUndefined();
      expect(result.input.spec.targetSelector).toEqual({
        matchLabels: { app: "kiosk" },
        matchExpressions: [
          { key: "region", operator: "In", values: ["eu", "us"] },
          { key: "legacy", operator: "DoesNotExist" },
        ],
      });
    }
  });

  it("puts a syntax error on the selector field, naming where", () => {
    const result = validate({ ...selectorValues, selectorText: "app=kiosk,region in (eu" });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.targetSelector).toMatch(/expected ',' or '\)' \(at character \d+\)/);
  });

  it("refuses an empty selector (it would match every device)", () => {
    const result = validate({ ...selectorValues, selectorText: "  " });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.targetSelector).toMatch(/empty/);
  });

  it("builds matchLabels from the rows, skipping blank ones", () => {
    const result = validate({
      ...selectorValues,
      selectorMode: "labels",
      labelRows: [
        { key: "app", value: "kiosk" },
        { key: "", value: "" },
        { key: "region", value: "eu" },
      ],
    });
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.input.spec.targetSelector).toEqual({
        matchLabels: { app: "kiosk", region: "eu" },
      });
  });

  it("puts an invalid label key from the rows on the selector field", () => {
    const result = validate({
      ...selectorValues,
      selectorMode: "labels",
      labelRows: [{ key: "not a key", value: "x" }],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.targetSelector).toBeDefined();
  });

  it("ignores a picked device list while targeting a selector", () => {
    const result = validate({
      ...selectorValues,
      targetDevices: ["pi-1"],
      selectorText: "app=kiosk",
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.input.spec.targetDevices).toBeUndefined();
  });
});

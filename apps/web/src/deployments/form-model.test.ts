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

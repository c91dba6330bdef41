import { describe, expect, it } from "vitest";
import { DEFAULT_ENROLLMENT_VALUES, validateEnrollment } from "./enrollment-form-model";

const values = { ...DEFAULT_ENROLLMENT_VALUES };

describe("add-device (enrollment token) form model", () => {
  it("defaults to a single-use token valid for a day, approved by a deployer", () => {
    expect(validateEnrollment(values)).toEqual({
      ok: true,
      input: { labels: {}, expiresInHours: 24, maxUses: 1, autoApprove: false },
    });
  });

  it("turns every field into the tRPC input; an empty expiry never expires", () => {
    expect(
      validateEnrollment({
        labels: "site=berlin, tier=edge",
        expiresInHours: "",
        maxUses: " 50 ",
        autoApprove: true,
        description: " batch 7 ",
      }),
    ).toEqual({
      ok: true,
      input: {
        labels: { site: "berlin", tier: "edge" },
        maxUses: 50,
        autoApprove: true,
        description: "batch 7",
      },
    });
  });

  it("puts each problem under its field, saying what is wanted", () => {
    const result = validateEnrollment({
      ...values,
      labels: "site",
      expiresInHours: "1.5",
      maxUses: "0",
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        labels: '"site" must be key=value, such as site=berlin',
        expiresInHours: "must be a whole number",
        maxUses: "must be at least 1",
      },
    });
    expect(validateEnrollment({ ...values, maxUses: "" })).toEqual({
      ok: false,
      errors: { maxUses: "is required (1 for a single device)" },
    });
    expect(validateEnrollment({ ...values, expiresInHours: "9000" })).toEqual({
      ok: false,
      errors: { expiresInHours: "must be at most 8760 hours" },
    });
    expect(validateEnrollment({ ...values, maxUses: "100001" })).toEqual({
      ok: false,
      errors: { maxUses: "must be at most 100000" },
    });
    const long = validateEnrollment({ ...values, description: "x".repeat(1025) });
    expect(!long.ok && long.errors.description).toBe("must be at most 1024 characters");
  });

  it("names a label whose value the contracts refuse", () => {
    const result = validateEnrollment({ ...values, labels: "site=no spaces" });
    expect(!result.ok && result.errors.labels).toMatch(/^site: label value must be/);
  });
});

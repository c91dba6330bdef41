import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deviceIdSchema, namespaceNameSchema, resourceNameSchema } from "./kubernetes-names.js";
import { dnsLabel, dnsSubdomain } from "./testing/arbitraries.js";

const messageOf = (result: { error?: { issues: { message: string }[] } }): string =>
  result.error?.issues.map((issue) => issue.message).join("; ") ?? "";

describe("kubernetes-names", () => {
  it("namespaceNameSchema - accepts DNS-1123 labels", () => {
    for (const name of ["a", "default", "kube-system", "0abc", "a-b-c", "x".repeat(63)]) {
      expect(namespaceNameSchema.safeParse(name).success, name).toBe(true);
    }
  });

  it("namespaceNameSchema - rejects dots, capitals, edge hyphens, empty and over-long names", () => {
    for (const name of ["", "a.b", "Default", "-a", "a-", "a_b", "x".repeat(64)]) {
      expect(namespaceNameSchema.safeParse(name).success, name).toBe(false);
    }
  });

  it("namespaceNameSchema - error message names the rule", () => {
    expect(messageOf(namespaceNameSchema.safeParse("Bad_Name"))).toMatch(/DNS-1123 label/);
    expect(messageOf(namespaceNameSchema.safeParse("x".repeat(64)))).toMatch(
      /at most 63 characters/,
    );
  });

  it("resourceNameSchema - accepts dotted names up to 253 characters", () => {
    for (const name of [
      "web",
      "web.v1",
      "a.b.c.d",
      "my-app.example.com",
      `${"a".repeat(63)}.${"b".repeat(63)}`,
    ]) {
      expect(resourceNameSchema.safeParse(name).success, name).toBe(true);
    }
    expect(
      resourceNameSchema.safeParse(Array.from({ length: 127 }, () => "a").join(".")).success,
    ).toBe(true);
  });

  it("resourceNameSchema - rejects empty parts, underscores and over-long names", () => {
    for (const name of ["", ".a", "a.", "a..b", "a_b", "a.-b", "A.b", "a".repeat(254)]) {
      expect(resourceNameSchema.safeParse(name).success, name).toBe(false);
    }
    expect(messageOf(resourceNameSchema.safeParse("a..b"))).toMatch(/DNS-1123 subdomain/);
  });

  it("deviceIdSchema - follows the DNS-1123 label rule", () => {
    expect(deviceIdSchema.safeParse("pi-kitchen-01").success).toBe(true);
    expect(deviceIdSchema.safeParse("pi.kitchen").success).toBe(false);
  });

  it("arbitraries - generate only names the schemas accept", () => {
    fc.assert(fc.property(dnsLabel(), (label) => deviceIdSchema.safeParse(label).success));
    fc.assert(fc.property(dnsSubdomain(), (name) => resourceNameSchema.safeParse(name).success));
  });
});

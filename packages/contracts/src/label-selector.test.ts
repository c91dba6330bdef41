import { describe, expect, it } from "vitest";
import {
  formatLabelSelector,
  LabelSelectorSyntaxError,
  labelSelectorSchema,
  matchesSelector,
  parseLabelSelector,
} from "./label-selector.js";

describe("label-selector", () => {
  it("parseLabelSelector - kubectl's equality, set and existence terms", () => {
    expect(parseLabelSelector("app=kiosk, region in (eu,us),!legacy,tier!=canary,gpu")).toEqual({
      matchLabels: { app: "kiosk" },
      matchExpressions: [
        { key: "region", operator: "In", values: ["eu", "us"] },
        { key: "legacy", operator: "DoesNotExist" },
        { key: "tier", operator: "NotIn", values: ["canary"] },
        { key: "gpu", operator: "Exists" },
      ],
    });
    expect(parseLabelSelector("example.com/site==oslo,zone notin (a, b)")).toEqual({
      matchLabels: { "example.com/site": "oslo" },
      matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a", "b"] }],
    });
  });

  it("parseLabelSelector - names what is wrong and where", () => {
    const cases: [string, string][] = [
      ["", "is empty"],
      ["app=kiosk,", "expected a label key"],
      ["region in eu", "expected '(' after in/notin"],
      ["region in (eu", "expected ',' or ')'"],
      ["app=a,app=b", "required twice"],
      ["app=kiosk region=eu", "expected ',' between terms"],
      ["-bad=x", "matchLabels"],
    ];
    for (const [text, problem] of cases) {
      let caught: unknown;
      try {
        parseLabelSelector(text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(LabelSelectorSyntaxError);
      expect((caught as Error).message, text).toContain(problem);
    }
    expect(() => parseLabelSelector(`a=${"x".repeat(5000)}`)).toThrow(/at most 4096/);
  });

  it("formatLabelSelector - round-trips through the parser", () => {
    for (const text of ["app=kiosk", "region in (eu,us),!legacy", "tier!=canary,gpu"]) {
      expect(formatLabelSelector(parseLabelSelector(text))).toBe(text);
    }
  });

  it("matchesSelector - Kubernetes' semantics, including NotIn on a missing label", () => {
    const selector = parseLabelSelector("app=kiosk,region in (eu,us),!legacy,tier!=canary");
    expect(matchesSelector(selector, { app: "kiosk", region: "eu" })).toBe(true);
    expect(matchesSelector(selector, { app: "kiosk", region: "us", tier: "stable" })).toBe(true);
    expect(matchesSelector(selector, { app: "kiosk", region: "ap" })).toBe(false);
    expect(matchesSelector(selector, { app: "kiosk", region: "eu", legacy: "" })).toBe(false);
    expect(matchesSelector(selector, { app: "kiosk", region: "eu", tier: "canary" })).toBe(false);
    expect(matchesSelector(selector, { region: "eu" })).toBe(false);
    expect(matchesSelector(selector, undefined)).toBe(false);
    // Inherited properties are not labels.
    expect(matchesSelector(parseLabelSelector("toString"), {})).toBe(false);
  });

  it("labelSelectorSchema - refuses an empty selector and operators with the wrong values", () => {
    expect(labelSelectorSchema.safeParse({}).success).toBe(false);
    expect(labelSelectorSchema.safeParse({ matchLabels: {} }).success).toBe(false);
    const ok = { key: "a", operator: "In", values: ["x"] };
    expect(labelSelectorSchema.safeParse({ matchExpressions: [ok] }).success).toBe(true);
    for (const bad of [
      { key: "a", operator: "In" },
      { key: "a", operator: "Exists", values: ["x"] },
      { key: "a", operator: "Near", values: ["x"] },
    ]) {
      expect(labelSelectorSchema.safeParse({ matchExpressions: [bad] }).success).toBe(false);
    }
  });
});

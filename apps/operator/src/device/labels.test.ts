import { isConfigError } from "@fleet/runtime";
import { describe, expect, it } from "vitest";
import { labelsFromFlags } from "./labels.js";

function problems(values: string[]): string[] {
  try {
    labelsFromFlags(values);
  } catch (error) {
    if (isConfigError(error))
      return error.message
        .split("\n")
        .slice(1)
        .map((l) => l.trim());
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("--label key=value", () => {
  it("turns repeated flags into labels; a value may be empty or contain '='", () => {
    expect(labelsFromFlags(["site=berlin", "example.com/tier=edge", "empty="])).toEqual({
      site: "berlin",
      "example.com/tier": "edge",
      empty: "",
    });
    expect(labelsFromFlags(undefined)).toEqual({});
  });

  it("names the flag and the value for each bad label, all at once", () => {
    expect(problems(["site", "bad key=x", "tier=no spaces", "a=1", "a=2"])).toEqual([
      '--label (flag) = "site": must be key=value, such as site=berlin',
      expect.stringMatching(/^--label \(flag\) = "bad key=x": label key name must be/),
      expect.stringMatching(/^--label \(flag\) = "tier=no spaces": label value must be/),
      '--label (flag) = "a=2": label "a" is given twice',
    ]);
  });
});

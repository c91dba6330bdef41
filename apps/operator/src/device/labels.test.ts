import { isConfigError } from "@fleet/runtime";
import { describe, expect, it } from "vitest";
import { labelChangesFromArgs, labelsFromFlags } from "./labels.js";

/** The lines of the ConfigError that `run` throws, one problem each. */
function problemsOf(run: () => unknown): string[] {
  try {
    run();
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

const problems = (values: string[]): string[] => problemsOf(() => labelsFromFlags(values));
const changeProblems = (args: string[]): string[] => problemsOf(() => labelChangesFromArgs(args));

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

describe("device label <id> key=value key-", () => {
  it("sets with key=value and removes with key-, like kubectl label", () => {
    expect(labelChangesFromArgs(["site=berlin", "legacy-", "example.com/tier=edge", "e="])).toEqual(
      { set: { site: "berlin", "example.com/tier": "edge", e: "" }, remove: ["legacy"] },
    );
  });

  it("names each bad change, all at once, and asks for at least one", () => {
    expect(changeProblems(["site", "bad key-", "a=1", "a-", "t=no spaces"])).toEqual([
      'label change "site": must be key=value (set) or key- (remove), such as site=berlin or legacy-',
      expect.stringMatching(/^label change "bad key-": label key name must be/),
      'label change "a-": label "a" is changed twice',
      expect.stringMatching(/^label change "t=no spaces": label value must be/),
    ]);
    expect(changeProblems([])).toEqual([
      "say what to change: key=value sets a label, key- removes one",
    ]);
  });
});

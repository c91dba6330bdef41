import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  formatIssues,
  formatPath,
  InvalidKeyError,
  isInvalidKeyError,
  isPayloadError,
  issuesFromZodError,
  PayloadError,
} from "./errors.js";

describe("errors", () => {
  it("PayloadError - is an Error with a name, issues and a cause", () => {
    const cause = new Error("root");
    const error = new PayloadError("bad", [{ path: "a", message: "m" }], { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("PayloadError");
    expect(error.issues).toEqual([{ path: "a", message: "m" }]);
    expect(error.cause).toBe(cause);
    expect(isPayloadError(error)).toBe(true);
    expect(isInvalidKeyError(error)).toBe(false);
  });

  it("InvalidKeyError - carries the key and the bad token", () => {
    const error = new InvalidKeyError("bad key", "a.B.c", "B");
    expect(error.name).toBe("InvalidKeyError");
    expect([error.key, error.token]).toEqual(["a.B.c", "B"]);
    expect(isInvalidKeyError(error)).toBe(true);
    expect(isPayloadError(new Error("x"))).toBe(false);
  });

  it("formatPath - renders dots, indexes and quoted non-identifier keys", () => {
    expect(formatPath(["score", "PodmanV0", "services", 0, "ports", 1, "hostPort"])).toBe(
      "score.PodmanV0.services[0].ports[1].hostPort",
    );
    expect(formatPath(["deployments", "dev.ns.web", "phase"])).toBe(
      'deployments["dev.ns.web"].phase',
    );
    expect(formatPath([])).toBe("(root)");
  });

  it("formatIssues - joins path: message pairs", () => {
    const schema = z.object({
      a: z.object({ b: z.array(z.object({ c: z.string() })) }),
      d: z.int(),
    });
    const result = schema.safeParse({ a: { b: [{ c: 1 }] }, d: "x" });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(formatIssues(result.error)).toMatch(/^a\.b\[0\]\.c: .+; d: .+$/);
  });

  it("issuesFromZodError - reports a bad record key by its own message", () => {
    const schema = z.record(
      z.string().refine((key) => key.includes("."), "needs a dot"),
      z.string(),
    );
    const result = schema.safeParse({ nodot: "v" });
    if (result.success) throw new Error("expected failure");
    expect(issuesFromZodError(result.error)).toEqual([{ path: "nodot", message: "needs a dot" }]);
  });
});

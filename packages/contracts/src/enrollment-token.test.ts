import { describe, expect, it } from "vitest";
import {
  enrollmentTokenManifest,
  EnrollmentTokenFormatError,
  formatEnrollmentToken,
  parseEnrollmentToken,
} from "./enrollment-token.js";
import { PayloadError } from "./errors.js";

const secret = "A".repeat(43);
const hash = `sha256:${"0".repeat(64)}`;

describe("enrollment-token", () => {
  it("parseEnrollmentToken - splits <name>.<secret> at the first dot", () => {
    const text = formatEnrollmentToken("kiosks-eu", secret);
    expect(parseEnrollmentToken(` ${text}\n`)).toEqual({ name: "kiosks-eu", secret });
  });

  it("parseEnrollmentToken - says what is wrong without repeating the secret", () => {
    const cases: [string, string][] = [
      ["", "is empty"],
      [secret, "no '.' found"],
      [`Bad_Name.${secret}`, "DNS-1123"],
      ["kiosks.short", "43 or more base64url"],
      [`kiosks.${"x".repeat(600)}`, "at most 512"],
    ];
    for (const [text, problem] of cases) {
      let caught: unknown;
      try {
        parseEnrollmentToken(text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(EnrollmentTokenFormatError);
      expect((caught as Error).message).toContain(problem);
      expect((caught as Error).message).not.toContain(secret);
    }
  });

  it("enrollmentTokenManifest - defaults to one use, no auto-approve, not revoked", () => {
    const token = enrollmentTokenManifest({ name: "kiosks", spec: { secretHash: hash } });
    expect(token.spec).toEqual({
      secretHash: hash,
      maxUses: 1,
      autoApprove: false,
      revoked: false,
    });
    expect(token.metadata).toEqual({ name: "kiosks" });
  });

  it("enrollmentTokenManifest - names the field of a bad hash, use count or label", () => {
    const fieldOf = (spec: object): string => {
      try {
        enrollmentTokenManifest({ name: "kiosks", spec: { secretHash: hash, ...spec } });
      } catch (error) {
        if (error instanceof PayloadError) return error.message;
      }
      return "accepted";
    };
    expect(fieldOf({ secretHash: "plain" })).toContain("spec.secretHash");
    expect(fieldOf({ maxUses: 0 })).toContain("spec.maxUses");
    expect(fieldOf({ labels: { "bad key!": "x" } })).toContain("spec.labels");
    expect(fieldOf({ expiresAt: "tomorrow" })).toContain("spec.expiresAt");
  });
});

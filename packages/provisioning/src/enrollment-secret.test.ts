import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { enrollmentSecretMatches, hashEnrollmentSecret } from "./enrollment-secret.js";

const secret = randomBytes(32).toString("base64url");

describe("hashEnrollmentSecret", () => {
  it("gives sha256:<64 hex>, never the secret itself", () => {
    const hash = hashEnrollmentSecret(secret);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hash).not.toContain(secret);
  });

  it("is stable for one secret and differs between secrets", () => {
    expect(hashEnrollmentSecret(secret)).toBe(hashEnrollmentSecret(secret));
    expect(hashEnrollmentSecret(secret)).not.toBe(hashEnrollmentSecret(`${secret}x`));
  });

  it("matches the known SHA-256 of a value", () => {
    expect(hashEnrollmentSecret("abc")).toBe(
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("refuses an empty or oversized secret", () => {
    expect(() => hashEnrollmentSecret("")).toThrow(/empty/);
    expect(() => hashEnrollmentSecret("a".repeat(257))).toThrow(/longer than 256/);
  });
});

describe("enrollmentSecretMatches", () => {
  const hash = hashEnrollmentSecret(secret);

  it("accepts the secret the hash was made from", () => {
    expect(enrollmentSecretMatches(secret, hash)).toBe(true);
  });

  it("refuses another secret", () => {
    expect(enrollmentSecretMatches(randomBytes(32).toString("base64url"), hash)).toBe(false);
    expect(enrollmentSecretMatches(secret.slice(1), hash)).toBe(false);
  });

  it("refuses, without throwing, a malformed hash or an empty or oversized secret", () => {
    expect(enrollmentSecretMatches(secret, "sha256:short")).toBe(false);
    expect(enrollmentSecretMatches(secret, hash.toUpperCase())).toBe(false);
    expect(enrollmentSecretMatches(secret, hash.slice("sha256:".length))).toBe(false);
    expect(enrollmentSecretMatches("", hash)).toBe(false);
    expect(enrollmentSecretMatches("a".repeat(257), hash)).toBe(false);
  });
});

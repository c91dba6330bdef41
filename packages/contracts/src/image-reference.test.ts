import { describe, expect, it } from "vitest";
import { formatIssues } from "./errors.js";
import {
  IMAGE_REFERENCE_PATTERN,
  imageReferenceSchema,
  parseImageReference,
} from "./image-reference.js";
import { IMAGE_NAME_MAX_LENGTH, IMAGE_REFERENCE_MAX_LENGTH } from "./limits.js";

const SHA256 = `sha256:${"a".repeat(64)}`;

// Cases follow distribution/reference's own tests (reference_test.go, regexp_test.go).
const VALID: readonly string[] = [
  "nginx",
  "nginx:latest",
  "nginx:1.27.0-alpine",
  "library/nginx",
  "docker.io/library/nginx:1.27",
  "localhost/fleet-nginx:1.0",
  "localhost:5000/foo/bar:tag",
  "registry.example.com:5000/team/app:1.2",
  `registry.example.com/team/app@${SHA256}`,
  `ghcr.io/org/app:v1.2.3@${SHA256}`,
  `app@sha512:${"0123456789abcdef".repeat(8)}`,
  "[::1]:5000/foo",
  "[2001:db8::1]/foo:bar",
  "192.168.1.10:5000/x",
  "Registry.Example.COM/team/app", // the domain may have capitals, the path may not
  "a__b/c.d/e-f/g--h",
  "x:_tag",
  `x:${"t".repeat(128)}`,
  `${"a".repeat(IMAGE_NAME_MAX_LENGTH)}:latest`,
];

const INVALID: readonly [string, string][] = [
  ["", "empty"],
  ["nginx latest", "a space"],
  [" nginx", "leading space"],
  ["nginx\n", "trailing newline"],
  ["Nginx", "upper-case repository"],
  ["myorg/App:1", "upper-case path component"],
  ["javascript:alert(1)", "a script URL"],
  ["http://nginx", "a URL scheme"],
  ["nginx:", "empty tag"],
  [":latest", "no name"],
  ["nginx:-tag", "tag starting with '-'"],
  [`nginx:${"t".repeat(129)}`, "tag over 128 characters"],
  ["nginx@sha256:abc", "digest too short"],
  ["nginx@sha256", "digest without hex"],
  [`nginx@${SHA256}:tag`, "tag after the digest"],
  ["foo//bar", "empty path component"],
  ["/foo", "leading slash"],
  ["foo/", "trailing slash"],
  ["-foo", "leading separator"],
  ["foo-", "trailing separator"],
  ["foo..bar", "double dot"],
  ["foo___bar", "triple underscore"],
  ["-registry.example.com/x", "domain starting with '-'"],
  ["registry.example.com:port/x", "non-numeric port"],
  ["foo_bar.com:8080/x", "underscore in the registry host"],
  ["nginx;rm -rf /", "shell syntax"],
  [`${"a".repeat(IMAGE_NAME_MAX_LENGTH + 1)}:latest`, "name over 255 characters"],
];

describe("image-reference", () => {
  it("imageReferenceSchema - accepts references that follow the distribution grammar", () => {
    for (const reference of VALID) {
      const result = imageReferenceSchema.safeParse(reference);
      expect(result.success, `${reference}: ${result.error?.message ?? ""}`).toBe(true);
    }
  });

  it("imageReferenceSchema - rejects malformed references, saying what a valid one looks like", () => {
    for (const [reference, why] of INVALID) {
      const result = imageReferenceSchema.safeParse(reference);
      expect(result.success, `${why}: ${JSON.stringify(reference)}`).toBe(false);
      if (!result.success && reference !== "") {
        expect(formatIssues(result.error), why).toMatch(
          /image reference \[registry\[:port\]\/\]repository\[:tag\]\[@digest\]|at most 255 characters/,
        );
      }
    }
    expect(formatIssues(imageReferenceSchema.safeParse("").error ?? { issues: [] })).toBe(
      "(root): must name a container image",
    );
  });

  it("imageReferenceSchema - a 600 KB string is refused by its length alone, with one issue", () => {
    const result = imageReferenceSchema.safeParse("a".repeat(600_000) + " b");
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toMatch(
      new RegExp(`at most ${IMAGE_REFERENCE_MAX_LENGTH} characters`),
    );
  });

  it("parseImageReference - splits name, tag and digest", () => {
    expect(parseImageReference(`localhost:5000/a/b:1.0@${SHA256}`)).toEqual({
      name: "localhost:5000/a/b",
      tag: "1.0",
      digest: SHA256,
    });
    expect(parseImageReference("nginx")).toEqual({
      name: "nginx",
      tag: undefined,
      digest: undefined,
    });
    expect(parseImageReference("nginx latest")).toBeUndefined();
  });

  it("IMAGE_REFERENCE_PATTERN - uses only syntax Go's RE2 also accepts (the API server runs it)", () => {
    // No lookaround, backreferences, named groups or POSIX classes.
    expect(IMAGE_REFERENCE_PATTERN.source).not.toMatch(/\(\?[=!<]|\\[1-9]|\[\[:|\(\?<|\\[pPk]/);
    expect(IMAGE_REFERENCE_PATTERN.flags).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_RETURN_TO, safeReturnTo } from "./return-to";

const origin = "https://fleet.example.com";

describe("safeReturnTo", () => {
  it.each([
    ["/deployments/default/web", "/deployments/default/web"],
    ["/fleet?label=eu#top", "/fleet?label=eu#top"],
    ["/deployments/new?returnTo=%2F%2Fevil.com", "/deployments/new?returnTo=%2F%2Fevil.com"],
    ["https://fleet.example.com/fleet/pi-1", "/fleet/pi-1"],
    ["fleet", "/fleet"],
    ["/%2F%2Fevil.com", "/%2F%2Fevil.com"],
    // Same scheme without slashes is a relative path in WHATWG URL parsing.
    ["https:evil.com", "/evil.com"],
  ])("keeps the same-origin path %j", (value, expected) => {
    expect(safeReturnTo(value, origin)).toBe(expected);
  });

  it.each([
    "//evil.com",
    "//evil.com/fleet",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "\t//evil.com",
    " //evil.com",
    "/\r\n/evil.com",
    "https://evil.com",
    "http://fleet.example.com/fleet",
    "https://fleet.example.com.evil.com/",
    "https://fleet.example.com@evil.com/",
    "//fleet.example.com@evil.com",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http:\\\\evil.com",
  ])("refuses %j, which would leave the dashboard", (value) => {
    expect(safeReturnTo(value, origin)).toBe(DEFAULT_RETURN_TO);
  });

  it("never returns a path a browser reads as another host", () => {
    for (const value of ["/.//evil.com", "/./\\evil.com", "/a/..//evil.com", "/%09/evil.com"]) {
      const result = safeReturnTo(value, origin);
      expect(new URL(result, origin).origin, value).toBe(origin);
      expect(result.startsWith("//"), value).toBe(false);
    }
  });

  it.each([null, undefined, ""])("falls back to %j -> the fleet page", (value) => {
    expect(safeReturnTo(value, origin)).toBe(DEFAULT_RETURN_TO);
  });
});

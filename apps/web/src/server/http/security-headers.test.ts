import { describe, expect, it } from "vitest";
import {
  contentSecurityPolicy,
  securityHeaders,
  type SecurityHeaderOptions,
} from "./security-headers";

const options: SecurityHeaderOptions = {
  nonce: "bm9uY2U=",
  liveUrls: ["ws://127.0.0.1:24280", "wss://nats.example.com:443/ws"],
  identityProviderOrigin: "https://id.example.com/oauth",
  https: false,
  development: false,
};

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe("security headers", () => {
  it("forbids framing, sniffing and cross-site referrers", () => {
    const headers = securityHeaders(options);
    expect(directives(headers["Content-Security-Policy"] ?? "").get("frame-ancestors")).toEqual([
      "'none'",
    ]);
    expect(headers["X-Frame-Options"]).toBe("DENY");
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(headers["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
  });

  it("runs only scripts carrying this response's nonce, and no eval in production", () => {
    const script = directives(contentSecurityPolicy(options)).get("script-src");
    expect(script).toContain("'nonce-bm9uY2U='");
    expect(script).toContain("'strict-dynamic'");
    expect(script).not.toContain("'unsafe-inline'");
    expect(script).not.toContain("'unsafe-eval'");
    expect(
      directives(contentSecurityPolicy({ ...options, development: true })).get("script-src"),
    ).toContain("'unsafe-eval'");
  });

  it("lets the page reach only itself and the live-update websockets", () => {
    expect(directives(contentSecurityPolicy(options)).get("connect-src")).toEqual([
      "'self'",
      "ws://127.0.0.1:24280",
      "wss://nats.example.com",
    ]);
  });

  it("lets forms post only to the dashboard and the IdP (sign-out redirects there)", () => {
    expect(directives(contentSecurityPolicy(options)).get("form-action")).toEqual([
      "'self'",
      "https://id.example.com",
    ]);
    expect(directives(contentSecurityPolicy(options)).get("object-src")).toEqual(["'none'"]);
    expect(directives(contentSecurityPolicy(options)).get("base-uri")).toEqual(["'none'"]);
  });

  it("sends HSTS and upgrades requests only when served over https", () => {
    expect(securityHeaders(options)["Strict-Transport-Security"]).toBeUndefined();
    const https = securityHeaders({ ...options, https: true });
    expect(https["Strict-Transport-Security"]).toMatch(/^max-age=\d{7,}/);
    expect(https["Content-Security-Policy"]).toContain("upgrade-insecure-requests");
  });

  it("leaves out a live URL that does not parse instead of widening the policy", () => {
    const policy = contentSecurityPolicy({ ...options, liveUrls: ["not a url", "*"] });
    expect(directives(policy).get("connect-src")).toEqual(["'self'"]);
  });
});

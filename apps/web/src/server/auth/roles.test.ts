import { FLEET_ROLE_GROUPS } from "@fleet/local-platform";
import { describe, expect, it } from "vitest";
import { ROLE_GROUPS, roleFromClaims, usernameFromClaims } from "./roles";

describe("roles - Zitadel role claim", () => {
  it("reads the project roles claim", () => {
    const claims = { "urn:zitadel:iam:org:project:roles": { viewer: { org: "example.com" } } };
    expect(roleFromClaims(claims)).toBe("viewer");
  });

  it("reads the project-id form of the claim and prefers deployer", () => {
    const claims = {
      "urn:zitadel:iam:org:project:123456:roles": { viewer: {}, deployer: { org: "x" } },
    };
    expect(roleFromClaims(claims)).toBe("deployer");
  });

  it("grants nothing for unknown roles or a missing claim", () => {
    expect(roleFromClaims({ "urn:zitadel:iam:org:project:roles": { admin: {} } })).toBeUndefined();
    expect(roleFromClaims({ sub: "x" })).toBeUndefined();
  });
});

describe("roles - Kubernetes groups", () => {
  it("binds the very groups the API server's claim mapping produces", () => {
    expect(ROLE_GROUPS).toStrictEqual(FLEET_ROLE_GROUPS);
  });

  it("uses preferred_username, falling back to sub", () => {
    expect(usernameFromClaims({ sub: "1234", preferred_username: "alice" })).toBe("alice");
    expect(usernameFromClaims({ sub: "1234" })).toBe("1234");
  });
});

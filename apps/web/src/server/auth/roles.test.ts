import { describe, expect, it } from "vitest";
import { kubeIdentity, roleFromClaims, usernameFromClaims } from "./roles";

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

describe("roles - Kubernetes identity", () => {
  it("impersonates the username with the role's group", () => {
    expect(kubeIdentity({ username: "alice", role: "deployer" })).toEqual({
      user: "alice",
      group: "fleet:deployers",
    });
    expect(kubeIdentity({ username: "bob", role: "viewer" }).group).toBe("fleet:viewers");
  });

  it("uses preferred_username, falling back to sub", () => {
    expect(usernameFromClaims({ sub: "1234", preferred_username: "alice" })).toBe("alice");
    expect(usernameFromClaims({ sub: "1234" })).toBe("1234");
  });
});

import { describe, expect, it } from "vitest";
import {
  authenticationConfiguration,
  FLEET_ROLE_GROUPS,
  rolesToGroupsExpression,
} from "./authentication-config.js";

const config = authenticationConfiguration({
  issuer: "https://127.0.0.1:29090",
  clientId: "fleet-dashboard",
  certificateAuthority: "-----BEGIN CERTIFICATE-----\n...",
});

describe("authentication config - kube-apiserver's JWT authenticator for the IdP", () => {
  it("is the GA (v1) AuthenticationConfiguration with one authenticator for the IdP", () => {
    expect(config.apiVersion).toBe("apiserver.config.k8s.io/v1");
    expect(config.kind).toBe("AuthenticationConfiguration");
    expect(config.jwt).toHaveLength(1);
    expect(config.jwt[0]?.issuer).toEqual({
      url: "https://127.0.0.1:29090",
      audiences: ["fleet-dashboard"],
      certificateAuthority: "-----BEGIN CERTIFICATE-----\n...",
    });
  });

  it("prefixes every IdP username, so none can be a static or system: user", () => {
    expect(config.jwt[0]?.claimMappings.username).toEqual({
      claim: "preferred_username",
      prefix: "oidc:",
    });
  });

  it("maps only the fleet roles of Zitadel's role claim to groups", () => {
    const expression = rolesToGroupsExpression();
    expect(config.jwt[0]?.claimMappings.groups).toEqual({ expression });
    expect(expression).toBe(
      'dyn(claims[?"urn:zitadel:iam:org:project:roles"].orValue({})).map(role, ' +
        'role in {"viewer": "fleet:viewers", "deployer": "fleet:deployers"}, ' +
        '{"viewer": "fleet:viewers", "deployer": "fleet:deployers"}[role])',
    );
    expect(Object.values(FLEET_ROLE_GROUPS)).toEqual(["fleet:viewers", "fleet:deployers"]);
  });

  it("serializes to JSON without a CA when the issuer has a public certificate", () => {
    const publicIssuer = authenticationConfiguration({
      issuer: "https://id.example.com",
      clientId: "fleet",
    });
    expect(JSON.stringify(publicIssuer)).not.toContain("certificateAuthority");
  });
});

import { describe, expect, it } from "vitest";
import { MANAGEMENT_SCOPES, projectAudienceScope, requestedAudiences } from "./scopes.js";

describe("Zitadel scopes", () => {
  it("spells the project audience scope as Zitadel does and reads it back", () => {
    expect(projectAudienceScope("290500000000000001")).toBe(
      "urn:zitadel:iam:org:project:id:290500000000000001:aud",
    );
    expect(
      requestedAudiences(`openid ${projectAudienceScope("1")} ${MANAGEMENT_SCOPES.join(" ")}`),
    ).toEqual(["1", "zitadel"]);
  });

  it("refuses a project id that would change the scope's meaning", () => {
    expect(() => projectAudienceScope("1:aud openid")).toThrow(/project id/);
    expect(() => projectAudienceScope("")).toThrow(/project id/);
  });
});

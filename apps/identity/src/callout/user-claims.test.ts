import { browserPermissions, devicePermissions } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { userClaimsOf } from "./user-claims.js";

describe("user claims - from the neutral permissions", () => {
  it("carries a device's allow lists over as they are, TCP only", () => {
    const permissions = devicePermissions("pi-a", ["desired-state.read", "agent-status.write"]);
    const claims = userClaimsOf(permissions, { connectionTypes: ["STANDARD"] });
    expect(claims.pub).toStrictEqual({ allow: permissions.publish.allow });
    expect(claims.sub).toStrictEqual({ allow: permissions.subscribe.allow });
    expect(claims.allowed_connection_types).toStrictEqual(["STANDARD"]);
    expect(claims.resp).toBeUndefined();
  });

  it("turns an empty allow list into a deny of everything (empty means all in a user JWT)", () => {
    const claims = userClaimsOf(
      { publish: { allow: [] }, subscribe: { allow: [] } },
      { connectionTypes: ["STANDARD"] },
    );
    expect(claims.pub).toStrictEqual({ deny: [">"] });
    expect(claims.sub).toStrictEqual({ deny: [">"] });
  });

  it("gives a browser heartbeats only, one subscription, websockets only", () => {
    const claims = userClaimsOf(browserPermissions(), {
      connectionTypes: ["WEBSOCKET"],
      maxSubscriptions: 1,
    });
    expect(claims.pub).toStrictEqual({ deny: [">"] });
    expect(claims.sub).toStrictEqual({ allow: browserPermissions().subscribe.allow });
    expect(claims.subs).toBe(1);
    expect(claims.allowed_connection_types).toStrictEqual(["WEBSOCKET"]);
  });

  it("lets a responder answer one reply per request", () => {
    const claims = userClaimsOf(
      { publish: { allow: ["a"] }, subscribe: { allow: ["b"] }, allowResponses: true },
      { connectionTypes: ["STANDARD"] },
    );
    expect(claims.resp).toStrictEqual({ max: 1, ttl: 0 });
  });
});

import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { signedInUser } from "./signed-in-user";

describe("signed-in user - the ID token stays on the server", () => {
  const user = signedInUser({ username: "alice", role: "deployer" }, "eyJ.secret.token");

  it("gives the token to the Kubernetes client", () => {
    expect(user.credential.bearerToken()).toBe("eyJ.secret.token");
  });

  it("never shows it in JSON, strings or logs", () => {
    expect(JSON.stringify(user)).not.toContain("secret");
    expect(JSON.parse(JSON.stringify(user))).toEqual({
      username: "alice",
      role: "deployer",
      credential: "[ID token]",
    });
    expect(String(user.credential)).toBe("[ID token]");
    expect(inspect(user, { depth: 5 })).not.toContain("secret");
  });
});

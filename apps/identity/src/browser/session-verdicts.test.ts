import { describe, expect, it } from "vitest";
import { usersEndedBy } from "./verdict-listener.js";
import { SessionVerdicts } from "./session-verdicts.js";

const sessionId = "s3ss10n-1d-0123456789";
const now = Date.now();
const ticket = (role: "viewer" | "deployer") => ({ sessionId, role, expiresAt: now + 60_000 });

describe("session verdicts - what a ticket may still do", () => {
  it("lets a ticket through when the dashboard said nothing about its session", () => {
    expect(new SessionVerdicts().refusal(ticket("viewer"))).toBeUndefined();
  });

  it("refuses every ticket of a session that is over", () => {
    const verdicts = new SessionVerdicts();
    verdicts.record({ sessionId, role: null, until: now + 3600_000 }, now);
    expect(verdicts.refusal(ticket("viewer"))).toBe("session-ended");
    expect(verdicts.refusal(ticket("deployer"))).toBe("session-ended");
  });

  it("after a role change, refuses tickets of the old role only", () => {
    const verdicts = new SessionVerdicts();
    verdicts.record({ sessionId, role: "deployer", until: now + 3600_000 }, now);
    expect(verdicts.refusal(ticket("viewer"))).toBe("session-role-changed");
    expect(verdicts.refusal(ticket("deployer"))).toBeUndefined();
  });

  it("forgets a verdict whose session has already ended", () => {
    const verdicts = new SessionVerdicts();
    verdicts.record({ sessionId, role: null, until: now + 3600_000 }, now);
    verdicts.record({ sessionId, role: null, until: now - 1 }, now);
    expect(verdicts.refusal(ticket("viewer"))).toBeUndefined();
  });
});

describe("session verdicts - which connections a verdict ends", () => {
  it("sign-out ends the session's connections under every role", () => {
    expect(usersEndedBy({ sessionId, role: null, until: now })).toStrictEqual([
      `browser:${sessionId}:viewer`,
      `browser:${sessionId}:deployer`,
    ]);
  });

  it("a role change ends those opened under the other roles", () => {
    expect(usersEndedBy({ sessionId, role: "deployer", until: now })).toStrictEqual([
      `browser:${sessionId}:viewer`,
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { liveDecision, liveSessionId } from "./live-session";

const session = { user: { username: "alice" }, expiresAt: Date.parse("2026-11-30T18:00:00Z") };
const id = liveSessionId(session) ?? "";

describe("live session - the id of one sign-in", () => {
  it("stays the same across refreshes and differs for another sign-in or user", () => {
    expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(liveSessionId({ ...session })).toBe(id);
    expect(liveSessionId({ ...session, expiresAt: session.expiresAt + 1 })).not.toBe(id);
    expect(liveSessionId({ ...session, user: { username: "bob" } })).not.toBe(id);
    expect(liveSessionId({})).toBeUndefined();
  });
});

describe("live session - what the credentials endpoint does", () => {
  it("refuses without a session", () => {
    expect(liveDecision({}, null, undefined)).toStrictEqual({ kind: "refuse" });
  });

  it("refuses, and ends the session's connections, when the refresh ended the session", () => {
    expect(liveDecision(session, null, "viewer")).toStrictEqual({
      kind: "refuse",
      verdict: { sessionId: id, role: null, until: session.expiresAt },
    });
  });

  it("refuses a session this replica heard was signed out, even with a valid cookie", () => {
    expect(liveDecision(session, { role: "viewer" }, null)).toStrictEqual({ kind: "refuse" });
  });

  it("mints for the session's role, telling the responders first when the role is news", () => {
    expect(liveDecision(session, { role: "viewer" }, "viewer")).toStrictEqual({
      kind: "mint",
      sessionId: id,
      role: "viewer",
      until: session.expiresAt,
    });
    expect(liveDecision(session, { role: "deployer" }, "viewer")).toStrictEqual({
      kind: "mint",
      sessionId: id,
      role: "deployer",
      until: session.expiresAt,
      verdict: { sessionId: id, role: "deployer", until: session.expiresAt },
    });
  });
});

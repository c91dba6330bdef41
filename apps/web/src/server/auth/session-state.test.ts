import { describe, expect, it } from "vitest";
import type { UserTokens } from "./oidc";
import type { SessionData } from "./session";
import {
  REFRESH_MARGIN_MS,
  SESSION_TTL_MS,
  refreshDue,
  refreshedSession,
  signedInSession,
  usableUser,
} from "./session-state";

const now = 1_800_000_000_000;
const minutes = (n: number): number => n * 60_000;

const tokens = (over: Partial<UserTokens> = {}): UserTokens => ({
  user: { username: "alice", role: "deployer" },
  idToken: "id-1",
  idTokenExpiresAt: now + minutes(60),
  refreshToken: "rt-1",
  ...over,
});

describe("session state - who may act, and when to refresh", () => {
  it("a fresh sign-in lasts 8 h, holds both tokens, and can act at once", () => {
    const data = signedInSession(tokens(), now);
    expect(data.expiresAt).toBe(now + SESSION_TTL_MS);
    expect(data.refreshToken).toBe("rt-1");
    expect(usableUser(data, now)?.credential.bearerToken()).toBe("id-1");
    expect(refreshDue(data, now)).toBe(false);
  });

  it("asks for a refresh within the margin, while the token still works", () => {
    const data = signedInSession(tokens(), now);
    const later = now + minutes(60) - REFRESH_MARGIN_MS + 1;
    expect(refreshDue(data, later)).toBe(true);
    expect(usableUser(data, later)).toBeDefined();
  });

  it("never sends an ID token that is (nearly) expired", () => {
    const data = signedInSession(tokens(), now);
    expect(usableUser(data, now + minutes(60))).toBeUndefined();
    expect(usableUser(data, now + minutes(60) - 10_000)).toBeUndefined();
  });

  it("without a refresh token, the session ends with its ID token (no refresh asked)", () => {
    const data = signedInSession(tokens({ refreshToken: undefined }), now);
    expect(refreshDue(data, now + minutes(58))).toBe(false);
    expect(usableUser(data, now + minutes(61))).toBeUndefined();
  });

  it("ends after 8 h however fresh its ID token", () => {
    const start = signedInSession(tokens(), now);
    const end = now + SESSION_TTL_MS;
    const refreshed = refreshedSession(start, tokens({ idTokenExpiresAt: end + minutes(60) }));
    expect(refreshed && usableUser(refreshed, end - 1)).toBeDefined();
    expect(refreshed && usableUser(refreshed, end)).toBeUndefined();
    expect(refreshed && refreshDue(refreshed, end)).toBe(false);
  });

  it("a refresh keeps the session's end and takes the new tokens and role", () => {
    const start = signedInSession(tokens(), now);
    const next = refreshedSession(
      start,
      tokens({
        user: { username: "alice", role: "viewer" },
        idToken: "id-2",
        refreshToken: "rt-2",
      }),
    );
    expect(next?.expiresAt).toBe(start.expiresAt);
    expect(next?.idToken).toBe("id-2");
    expect(next?.refreshToken).toBe("rt-2");
    expect(next?.user?.role).toBe("viewer");
  });

  it("refuses a refresh that answers for another user", () => {
    const start = signedInSession(tokens(), now);
    expect(
      refreshedSession(start, tokens({ user: { username: "mallory", role: "deployer" } })),
    ).toBeUndefined();
  });

  it("nothing to act as without a session", () => {
    const empty: SessionData = {};
    expect(usableUser(empty, now)).toBeUndefined();
    expect(refreshDue(empty, now)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import type { UserTokens } from "./oidc";
import { refreshOnce } from "./refresh";

const tokens = (idToken: string): UserTokens => ({
  user: { username: "alice", role: "deployer" },
  idToken,
  idTokenExpiresAt: Date.now() + 3600_000,
  refreshToken: `${idToken}-rt`,
});

describe("refresh - one refresh per refresh token", () => {
  it("shares one refresh between concurrent requests of a session", async () => {
    let calls = 0;
    const refresh = async (): Promise<UserTokens> => {
      calls += 1;
      await Promise.resolve();
      return tokens(`id-${String(calls)}`);
    };
    const [a, b] = await Promise.all([
      refreshOnce("rt-concurrent", refresh),
      refreshOnce("rt-concurrent", refresh),
    ]);
    expect(calls).toBe(1);
    expect(a.idToken).toBe("id-1");
    expect(b).toBe(a);
  });

  it("answers a late request with the spent token from the same result", async () => {
    let calls = 0;
    const refresh = (): Promise<UserTokens> => Promise.resolve(tokens(`late-${String(++calls)}`));
    const first = await refreshOnce("rt-late", refresh);
    const late = await refreshOnce("rt-late", refresh);
    expect(calls).toBe(1);
    expect(late).toBe(first);
  });

  it("passes a refusal to every waiting request, and refreshes other tokens separately", async () => {
    const refused = (): Promise<UserTokens> => Promise.reject(new Error("invalid_grant"));
    await expect(
      Promise.all([refreshOnce("rt-refused", refused), refreshOnce("rt-refused", refused)]),
    ).rejects.toThrow("invalid_grant");
    const other = await refreshOnce("rt-other", () => Promise.resolve(tokens("other")));
    expect(other.idToken).toBe("other");
  });
});

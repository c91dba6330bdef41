import { enrollmentTokenManifest, type EnrollmentTokenResource } from "@fleet/contracts";
import { hashEnrollmentSecret } from "@fleet/provisioning";
import { describe, expect, it } from "vitest";
import { INVALID_TOKEN, tokenVerdict } from "./token-verdict.js";

const SECRET = "s".repeat(43);
const NOW = new Date("2026-11-30T12:00:00Z");

function token(
  spec: Partial<EnrollmentTokenResource["spec"]> = {},
  uses = 0,
): EnrollmentTokenResource {
  return {
    ...enrollmentTokenManifest({
      name: "lab",
      spec: { secretHash: hashEnrollmentSecret(SECRET), ...spec },
    }),
    status: { uses, recentUses: [] },
  };
}

describe("enrollment - token verdict", () => {
  it("admits a live token with uses left", () => {
    expect(tokenVerdict(token({ maxUses: 2 }, 1), SECRET, NOW)).toEqual({ admitted: true });
    expect(tokenVerdict(token({ expiresAt: "2026-11-30T12:00:01Z" }), SECRET, NOW)).toEqual({
      admitted: true,
    });
  });

  it("refuses a wrong secret with the same words as an unknown token, and does not record it", () => {
    expect(tokenVerdict(token(), "t".repeat(43), NOW)).toEqual({
      admitted: false,
      status: 401,
      reason: INVALID_TOKEN,
      recorded: false,
    });
  });

  it("names why a holder of the secret is refused: revoked, expired, used up", () => {
    const refused = (t: EnrollmentTokenResource): unknown => tokenVerdict(t, SECRET, NOW);
    expect(refused(token({ revoked: true }))).toMatchObject({
      status: 403,
      recorded: true,
      reason: 'enrollment token "lab" has been revoked',
    });
    expect(refused(token({ expiresAt: "2026-11-30T12:00:00Z" }))).toMatchObject({
      status: 403,
      reason: 'enrollment token "lab" expired at 2026-11-30T12:00:00Z',
    });
    expect(refused(token({}, 1))).toMatchObject({
      status: 403,
      reason: 'enrollment token "lab" has been used up (1 of 1 use)',
    });
    expect(refused(token({ maxUses: 3 }, 3))).toMatchObject({
      reason: 'enrollment token "lab" has been used up (3 of 3 uses)',
    });
  });

  it("checks the secret before saying anything about the token's state", () => {
    expect(tokenVerdict(token({ revoked: true }), "t".repeat(43), NOW)).toMatchObject({
      status: 401,
      reason: INVALID_TOKEN,
    });
  });
});

import { ENROLLMENT_RECENT_USES_LIMIT, type EnrollmentUse } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { withUse, withUseReturned } from "./token-uses.js";

const use = (n: number, result: EnrollmentUse["result"] = "Accepted"): EnrollmentUse => ({
  at: `2026-11-30T12:00:${String(n).padStart(2, "0")}Z`,
  device: `d${String(n)}`,
  result,
});

describe("enrollment - token uses", () => {
  it("counts an accepted use, keeps the newest first and at most the limit", () => {
    let status = withUse(undefined, use(0));
    expect(status).toEqual({ uses: 1, lastUsedAt: use(0).at, recentUses: [use(0)] });
    for (let n = 1; n < ENROLLMENT_RECENT_USES_LIMIT + 5; n++) status = withUse(status, use(n));
    expect(status.uses).toBe(ENROLLMENT_RECENT_USES_LIMIT + 5);
    expect(status.recentUses).toHaveLength(ENROLLMENT_RECENT_USES_LIMIT);
    expect(status.recentUses[0]).toEqual(use(ENROLLMENT_RECENT_USES_LIMIT + 4));
  });

  it("records a refusal without counting it or moving lastUsedAt", () => {
    const accepted = withUse(undefined, use(0));
    const refused = withUse(accepted, use(1, "Refused"));
    expect(refused).toEqual({
      uses: 1,
      lastUsedAt: use(0).at,
      recentUses: [use(1, "Refused"), use(0)],
    });
  });

  it("gives a use back (the Device could not be made) and says why", () => {
    const accepted = withUse(undefined, use(0));
    const returned = withUseReturned(accepted, { ...use(1, "Refused"), reason: "taken" });
    expect(returned.uses).toBe(0);
    expect(returned.recentUses[0]).toMatchObject({ result: "Refused", reason: "taken" });
    expect(withUseReturned(undefined, use(1, "Refused")).uses).toBe(0);
  });
});

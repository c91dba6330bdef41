import type { EnrollmentTokenSummary } from "@fleet/provisioning";
import { describe, expect, it } from "vitest";
import { enrollmentTable } from "./enrollment-table.js";

const token = (overrides: Partial<EnrollmentTokenSummary>): EnrollmentTokenSummary => ({
  name: "enroll-1",
  state: "Active",
  uses: 0,
  maxUses: 1,
  expiresAt: "2026-12-01T10:00:00.000Z",
  autoApprove: false,
  revoked: false,
  labels: {},
  description: undefined,
  createdAt: undefined,
  lastUsedAt: undefined,
  ...overrides,
});

describe("enrollment list table", () => {
  it("shows state, uses of max, expiry, auto-approve, revoked and labels per token", () => {
    const text = enrollmentTable([
      token({ labels: { site: "berlin" } }),
      token({
        name: "kiosks",
        state: "Revoked",
        uses: 3,
        maxUses: 50,
        expiresAt: undefined,
        autoApprove: true,
        revoked: true,
      }),
    ]);
    expect(text.split("\n")).toEqual([
      "NAME      STATE    USES  EXPIRES                   AUTO-APPROVE  REVOKED  LABELS",
      "enroll-1  Active   0/1   2026-12-01T10:00:00.000Z  no            no       site=berlin",
      "kiosks    Revoked  3/50  never                     yes           yes      -",
      "",
    ]);
  });

  it("says so when there is no token", () => {
    expect(enrollmentTable([])).toBe("no enrollment tokens\n");
  });
});

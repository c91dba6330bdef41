import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { EnrollmentTokensTableView, type EnrollmentTokenRow } from "./enrollment-tokens";

const token = (name: string, state: EnrollmentTokenRow["state"]): EnrollmentTokenRow => ({
  name,
  state,
  uses: 1,
  maxUses: 5,
  expiresAt: undefined,
  autoApprove: false,
  revoked: state === "Revoked",
  labels: { site: "berlin" },
  description: undefined,
  createdAt: undefined,
  lastUsedAt: undefined,
});

const row = (name: string): HTMLElement => screen.getByText(name).closest("tr") as HTMLElement;

describe("enrollment tokens table", () => {
  it("shows what each token still admits, and offers revoke only on active ones, to deployers", () => {
    render(
      <EnrollmentTokensTableView
        tokens={[token("enroll-a", "Active"), token("enroll-b", "Revoked")]}
        revoke={(t) => <button type="button">Revoke {t.name}</button>}
      />,
    );
    expect(within(row("enroll-a")).getByText("1 of 5")).toBeDefined();
    expect(within(row("enroll-a")).getByText("never")).toBeDefined();
    expect(within(row("enroll-a")).getByText("site=berlin")).toBeDefined();
    expect(within(row("enroll-a")).getByRole("button", { name: "Revoke enroll-a" })).toBeDefined();
    expect(within(row("enroll-b")).getByText("Revoked")).toBeDefined();
    expect(within(row("enroll-b")).queryByRole("button")).toBeNull();
  });

  it("has no actions for viewers", () => {
    render(<EnrollmentTokensTableView tokens={[token("enroll-a", "Active")]} />);
    expect(screen.queryByRole("columnheader", { name: "Actions" })).toBeNull();
    expect(screen.queryByRole("button")).toBeNull();
  });
});

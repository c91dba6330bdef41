import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { OnlineBadge, PhaseBadge } from "./status-badge.js";
import { PhaseBar } from "./phase-bar.js";

describe("status badges - text", () => {
  it("says online or offline in words", () => {
    render(
      <>
        <OnlineBadge online />
        <OnlineBadge online={false} />
      </>,
    );
    expect(screen.getByText("online")).toBeDefined();
    expect(screen.getByText("offline")).toBeDefined();
  });

  it("names the phase", () => {
    render(<PhaseBadge phase="Failed" />);
    expect(screen.getByText("Failed").className).toContain("red");
  });

  it("phase bar prints every count", () => {
    render(<PhaseBar counts={{ succeeded: 3, failed: 1, pending: 2, unreported: 4 }} />);
    expect(screen.getByText("3 succeeded · 1 failed · 2 pending · 4 unreported")).toBeDefined();
  });
});

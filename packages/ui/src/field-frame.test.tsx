import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FieldFrame } from "./field-frame.js";

describe("FieldFrame - label, hint and error", () => {
  it("ties the label to the control and shows the hint while there is no error", () => {
    render(
      <FieldFrame label="Batches" hint="Counts or percentages">
        {(control) => <textarea {...control} />}
      </FieldFrame>,
    );
    const control = screen.getByLabelText("Batches");
    expect(control.tagName).toBe("TEXTAREA");
    expect(control.getAttribute("aria-invalid")).toBeNull();
    expect(control.getAttribute("aria-describedby")).toBeNull();
    expect(screen.getByText("Counts or percentages")).toBeDefined();
  });

  it("replaces the hint by the error, announced and described by", () => {
    render(
      <FieldFrame label="Batches" hint="Counts or percentages" error="must be ascending">
        {(control) => <textarea {...control} />}
      </FieldFrame>,
    );
    const control = screen.getByLabelText("Batches");
    expect(control.getAttribute("aria-invalid")).toBe("true");
    expect(control.getAttribute("aria-describedby")).toBe(screen.getByRole("alert").id);
    expect(screen.getByRole("alert").textContent).toBe("must be ascending");
    expect(screen.queryByText("Counts or percentages")).toBeNull();
  });
});

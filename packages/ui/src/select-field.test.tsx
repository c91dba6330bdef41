import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { SelectField } from "./select-field.js";

const options = [
  ["auto", "Automatic"],
  ["manual", "Manual"],
] as const;

describe("SelectField - choice and errors", () => {
  it("is found by its label and reports the chosen value", () => {
    const onChange = vi.fn();
    render(<SelectField label="Approval" options={options} value="auto" onChange={onChange} />);
    const select = screen.getByLabelText("Approval");
    fireEvent.change(select, { target: { value: "manual" } });
    expect(onChange).toHaveBeenCalledOnce();
    expect(screen.getByRole("option", { name: "Manual" })).toBeDefined();
  });

  it("shows the error under the select and marks it invalid", () => {
    render(<SelectField label="Approval" options={options} error="Invalid option" />);
    const select = screen.getByLabelText("Approval");
    expect(select.getAttribute("aria-invalid")).toBe("true");
    expect(select.getAttribute("aria-describedby")).toBe(screen.getByRole("alert").id);
  });
});

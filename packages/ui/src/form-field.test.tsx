import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FormField } from "./form-field.js";

describe("FormField - errors", () => {
  it("shows the error under the field and marks the input invalid", () => {
    render(<FormField label="Name" error="must be a DNS-1123 subdomain" defaultValue="Bad_Name" />);
    const input = screen.getByLabelText("Name");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toBe("must be a DNS-1123 subdomain");
    expect(input.getAttribute("aria-describedby")).toBe(alert.id);
  });

  it("shows no alert without an error", () => {
    render(<FormField label="Name" />);
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

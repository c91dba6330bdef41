import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { LabelsFormView } from "./device-editor";

vi.mock("../../trpc/react", () => ({ useTRPC: () => ({}) }));

const props = {
  title: "Labels of pi-7",
  field: "Labels",
  hint: "key=value",
  submit: "Save labels",
  pending: false,
  onCancel: (): void => undefined,
};

describe("device editor - labels", () => {
  it("starts from the device's labels and submits the edited set", () => {
    const onSubmit = vi.fn();
    render(<LabelsFormView {...props} initial="site=berlin" onSubmit={onSubmit} />);
    expect(screen.getByLabelText("Labels")).toHaveProperty("value", "site=berlin");
    fireEvent.change(screen.getByLabelText("Labels"), {
      target: { value: "site=paris, tier=edge" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Save labels" }));
    expect(onSubmit).toHaveBeenCalledWith({ site: "paris", tier: "edge" });
  });

  it("names the label the contracts refuse, at the field, and does not submit", () => {
    const onSubmit = vi.fn();
    render(<LabelsFormView {...props} initial="" onSubmit={onSubmit} />);
    fireEvent.change(screen.getByLabelText("Labels"), { target: { value: "-bad=1" } });
    fireEvent.click(screen.getByRole("button", { name: "Save labels" }));
    expect(screen.getByLabelText("Labels").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole("alert").textContent).toMatch(/^-bad: /);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("shows the server's refusal under the form", () => {
    render(
      <LabelsFormView
        {...props}
        initial="site=berlin"
        onSubmit={vi.fn()}
        serverError={{ form: 'the labels of device "pi-7" changed meanwhile (now: site=rome)' }}
      />,
    );
    expect(screen.getByRole("alert").textContent).toContain("changed meanwhile");
  });
});

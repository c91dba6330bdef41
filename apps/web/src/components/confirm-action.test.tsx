import { act, fireEvent, render, screen } from "@testing-library/react";
import type { ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";
import { ConfirmAction, type ConfirmActionProps } from "./confirm-action";

function Delete(props: Partial<ConfirmActionProps>): ReactElement {
  return (
    <ConfirmAction
      label="Delete"
      className=""
      dialogLabel="Confirm delete"
      confirmLabel="Yes, delete"
      onConfirm={() => undefined}
      {...props}
    >
      Delete fleet/web from every device?
    </ConfirmAction>
  );
}

function open(): HTMLElement {
  fireEvent.click(screen.getByRole("button", { name: "Delete" }));
  return screen.getByRole("dialog", { name: "Confirm delete" });
}

describe("confirm action - asked twice", () => {
  it("opens a named dialog; cancel puts the button back without acting", () => {
    const onConfirm = vi.fn();
    render(<Delete onConfirm={onConfirm} />);
    expect(open().textContent).toContain("Delete fleet/web from every device?");
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("button", { name: "Delete" })).toBeDefined();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it("acts on yes and stays open until the action closes it", () => {
    const closers: (() => void)[] = [];
    const onConfirm = vi.fn((close: () => void) => {
      closers.push(close);
    });
    render(<Delete onConfirm={onConfirm} />);
    open();
    fireEvent.click(screen.getByRole("button", { name: "Yes, delete" }));
    expect(onConfirm).toHaveBeenCalledOnce();
    expect(screen.getByRole("dialog", { name: "Confirm delete" })).toBeDefined();
    act(() => {
      closers[0]?.();
    });
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("while busy both starting buttons are disabled; a failure is announced in the dialog", () => {
    const { rerender } = render(<Delete />);
    open();
    rerender(<Delete busy error="deployments is forbidden" />);
    expect(screen.getByRole("button", { name: "Yes, delete" }).hasAttribute("disabled")).toBe(true);
    expect(screen.getByRole("alert").textContent).toBe("deployments is forbidden");
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.getByRole("button", { name: "Delete" }).hasAttribute("disabled")).toBe(true);
  });

  it("withdraws the dialog and disables the button while disabled", () => {
    const { rerender } = render(<Delete />);
    open();
    rerender(<Delete disabled />);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("button", { name: "Delete" }).hasAttribute("disabled")).toBe(true);
  });
});

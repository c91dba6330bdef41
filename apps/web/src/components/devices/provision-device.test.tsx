import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ProvisionDeviceFormView } from "./provision-device";

vi.mock("../../trpc/react", () => ({ useTRPC: () => ({}) }));

describe("provision-device form - validation at the field", () => {
  it("shows the contracts' errors under the id and labels fields and does not submit", () => {
    const onSubmit = vi.fn();
    render(<ProvisionDeviceFormView onSubmit={onSubmit} pending={false} />);
    fireEvent.change(screen.getByLabelText("Device id"), { target: { value: "Pi_7" } });
    fireEvent.click(screen.getByRole("button", { name: "Provision device" }));
    expect(screen.getByLabelText("Device id").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText(/must be a DNS-1123 label/)).toBeDefined();
    fireEvent.change(screen.getByLabelText("Device id"), { target: { value: "pi-7" } });
    fireEvent.change(screen.getByLabelText("Labels"), { target: { value: "site" } });
    fireEvent.click(screen.getByRole("button", { name: "Provision device" }));
    expect(screen.getByText('"site" must be key=value, such as site=berlin')).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("submits the parsed input, and shows the server's answer under the form", () => {
    const onSubmit = vi.fn();
    const { rerender } = render(<ProvisionDeviceFormView onSubmit={onSubmit} pending={false} />);
    fireEvent.change(screen.getByLabelText("Device id"), { target: { value: "pi-7" } });
    fireEvent.change(screen.getByLabelText("Labels"), { target: { value: "site=berlin" } });
    fireEvent.click(screen.getByRole("button", { name: "Provision device" }));
    expect(onSubmit).toHaveBeenCalledWith({ id: "pi-7", labels: { site: "berlin" } });
    rerender(
      <ProvisionDeviceFormView
        onSubmit={onSubmit}
        pending={false}
        serverErrors={{ form: 'You may not create device "pi-7" (Kubernetes RBAC)' }}
      />,
    );
    expect(screen.getByRole("alert").textContent).toBe(
      'You may not create device "pi-7" (Kubernetes RBAC)',
    );
  });
});

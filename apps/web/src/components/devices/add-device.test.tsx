import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { EnrollmentFormView, EnrollmentTokenView } from "./add-device";

vi.mock("../../trpc/react", () => ({ useTRPC: () => ({}) }));

const noop = (): void => undefined;

describe("add device - the enrollment token form", () => {
  it("shows each field's error under it, naming the problem, and does not submit", () => {
    const onSubmit = vi.fn();
    render(<EnrollmentFormView onSubmit={onSubmit} onCancel={noop} pending={false} />);
    fireEvent.change(screen.getByLabelText("Labels"), { target: { value: "site" } });
    fireEvent.change(screen.getByLabelText("Expires in (hours)"), { target: { value: "soon" } });
    fireEvent.change(screen.getByLabelText("Max uses"), { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "Create enrollment token" }));
    expect(screen.getByLabelText("Labels").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText('"site" must be key=value, such as site=berlin')).toBeDefined();
    expect(screen.getByLabelText("Expires in (hours)").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("must be a whole number")).toBeDefined();
    expect(screen.getByText("must be at least 1")).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("submits the parsed input, and shows the server's refusal under the form", () => {
    const onSubmit = vi.fn();
    const { rerender } = render(
      <EnrollmentFormView onSubmit={onSubmit} onCancel={noop} pending={false} />,
    );
    fireEvent.change(screen.getByLabelText("Labels"), { target: { value: "site=berlin" } });
    fireEvent.change(screen.getByLabelText("Max uses"), { target: { value: "5" } });
    fireEvent.click(screen.getByLabelText("Approve devices at once (no review)"));
    fireEvent.click(screen.getByRole("button", { name: "Create enrollment token" }));
    expect(onSubmit).toHaveBeenCalledWith({
      labels: { site: "berlin" },
      expiresInHours: 24,
      maxUses: 5,
      autoApprove: true,
    });
    rerender(
      <EnrollmentFormView
        onSubmit={onSubmit}
        onCancel={noop}
        pending={false}
        serverErrors={{ form: "You may not create enrollment tokens (Kubernetes RBAC)" }}
      />,
    );
    expect(screen.getByRole("alert").textContent).toBe(
      "You may not create enrollment tokens (Kubernetes RBAC)",
    );
  });
});

describe("add device - the new token", () => {
  it("shows the exact command once, with what the token allows", () => {
    const onDone = vi.fn();
    const command =
      "IOT_ENROLL_TOKEN=enroll-ab12.c2VjcmV0 iot-agent enroll --server https://enroll.example.com";
    render(
      <EnrollmentTokenView
        token={{
          name: "enroll-ab12",
          command,
          expiresAt: "2026-01-02T00:00:00.000Z",
          maxUses: 3,
          autoApprove: false,
        }}
        onDone={onDone}
      />,
    );
    expect(screen.getByLabelText("Enroll command").textContent).toBe(command);
    const region = screen.getByRole("region", { name: "New enrollment token" });
    expect(region.textContent).toContain("up to 3 devices, valid until 2026-01-02T00:00:00.000Z");
    expect(region.textContent).toContain("it is shown only once");
    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(onDone).toHaveBeenCalled();
  });
});

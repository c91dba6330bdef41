import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CreateDeploymentInput } from "../../deployments/inputs";
import { DeploymentFormView } from "./deployment-form";

const devices = [
  { deviceId: "pi-1", online: true },
  { deviceId: "pi-2", online: false },
];

describe("deployment form - validation at the field", () => {
  it("shows the zod error under the name field and does not submit", () => {
    const onSubmit = vi.fn();
    render(<DeploymentFormView devices={devices} onSubmit={onSubmit} pending={false} />);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Not_Valid" } });
    fireEvent.change(screen.getByLabelText("Host port"), { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "Create deployment" }));
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText(/must be a DNS-1123 subdomain/)).toBeDefined();
    expect(screen.getByText("must be a port number from 1 to 65535")).toBeDefined();
    expect(screen.getByText("must name at least one device")).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("deploys nginx in one click on every online device", () => {
    const onSubmit = vi.fn();
    render(<DeploymentFormView devices={devices} onSubmit={onSubmit} pending={false} />);
    fireEvent.click(screen.getByRole("button", { name: "Deploy nginx" }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: "nginx",
      namespace: "default",
      spec: {
        targetDevices: ["pi-1"],
        score: {
          PodmanV0: {
            services: [
              {
                name: "nginx",
                image: "localhost/fleet-nginx:1.0",
                ports: [{ hostPort: 8080, containerPort: 80, protocol: "TCP" }],
              },
            ],
          },
        },
      },
    });
  });

  it("shows a server error for the whole form", () => {
    render(
      <DeploymentFormView
        devices={devices}
        onSubmit={vi.fn()}
        pending={false}
        serverErrors={{ form: "You may not create deployments (Kubernetes RBAC)" }}
      />,
    );
    expect(screen.getByRole("alert").textContent).toContain("Kubernetes RBAC");
  });
});

describe("deployment form - rollout settings", () => {
  it("sends spec.rollout from the settings, with no published port", () => {
    const onSubmit = vi.fn();
    render(<DeploymentFormView devices={devices} onSubmit={onSubmit} pending={false} />);
    fireEvent.click(screen.getByRole("checkbox", { name: /pi-1/ }));
    fireEvent.change(screen.getByLabelText("Host port"), { target: { value: "" } });
    fireEvent.change(screen.getByLabelText("Container port"), { target: { value: "" } });
    fireEvent.click(screen.getByLabelText(/Staged rollout/));
    fireEvent.change(screen.getByLabelText("Batches"), { target: { value: "1,50%" } });
    fireEvent.change(screen.getByLabelText("Approval"), { target: { value: "manual" } });
    fireEvent.change(screen.getByLabelText("On failure"), { target: { value: "pause" } });
    fireEvent.change(screen.getByLabelText("Batch timeout"), { target: { value: "5m" } });
    fireEvent.click(screen.getByRole("button", { name: "Create deployment" }));
    expect(onSubmit).toHaveBeenCalledOnce();
    const input = onSubmit.mock.calls[0]?.[0] as CreateDeploymentInput;
    expect(input.spec.score.PodmanV0?.services[0]?.ports).toEqual([]);
    expect(input.spec.rollout).toMatchObject({
      batches: [{ count: 1 }, { percentage: 50 }],
      approval: "manual",
      onFailure: "pause",
      batchTimeout: "5m",
      successThreshold: 90,
    });
  });

  it("shows each rollout error at its field and does not submit", () => {
    const onSubmit = vi.fn();
    render(<DeploymentFormView devices={devices} onSubmit={onSubmit} pending={false} />);
    fireEvent.click(screen.getByRole("checkbox", { name: /pi-1/ }));
    fireEvent.click(screen.getByLabelText(/Staged rollout/));
    fireEvent.change(screen.getByLabelText("Batches"), { target: { value: "1,0" } });
    fireEvent.change(screen.getByLabelText("Success threshold (%)"), {
      target: { value: "120" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Create deployment" }));
    expect(screen.getByLabelText("Batches").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("batch 2: must be at least 1")).toBeDefined();
    expect(screen.getByText("must be 0 to 100")).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });
});

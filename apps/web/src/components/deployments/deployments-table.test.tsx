import { agentStatusSchema, type DeploymentResource } from "@fleet/contracts";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { deviceSummary } from "../../fleet/device-summary";
import { DeploymentsTableView } from "./deployments-table";

vi.mock("next/link", () => ({
  default: ({ href, children }: { href: string; children: React.ReactNode }) => (
    <a href={href}>{children}</a>
  ),
}));

const now = Date.parse("2026-01-01T00:01:00Z");

/** A CR whose (older) status still says all is well. */
const deployment = {
  apiVersion: "iot.nationtech.io/v1alpha1",
  kind: "Deployment",
  metadata: { namespace: "default", name: "web" },
  spec: {
    targetDevices: ["pi-1"],
    score: { PodmanV0: { services: [{ name: "web", image: "localhost/x:1", ports: [] }] } },
  },
  status: {
    observedGeneration: 1,
    conditions: [
      {
        type: "Ready",
        status: "True",
        reason: "AllDevicesRunning",
        message: "1 of 1 devices running",
        lastTransitionTime: "2026-01-01T00:00:00Z",
      },
    ],
    aggregate: { succeeded: 1, failed: 0, pending: 0, unreported: 0, recentEvents: [] },
  },
} as unknown as DeploymentResource;

const failedNow = deviceSummary({
  receivedAtMs: now - 1000,
  status: agentStatusSchema.parse({
    deviceId: "pi-1",
    agentVersion: "0.1.0",
    lastHeartbeatAt: "2026-01-01T00:00:59Z",
    deployments: { "pi-1.default.web": { phase: "Failed", lastError: "exited with 137" } },
  }),
});

describe("deployments table - counts and conditions from live heartbeats", () => {
  it("shows what the heartbeats say, not a CR status that is behind", () => {
    render(
      <DeploymentsTableView
        deployments={[deployment]}
        devices={new Map([["pi-1", failedNow]])}
        heartbeatPeriodMs={5000}
        now={now}
        empty="none"
      />,
    );
    const row = screen.getByText("default/web").closest('[role="row"]') as HTMLElement;
    expect(
      within(row).getByText("0 succeeded · 1 failed · 0 pending · 0 unreported"),
    ).toBeDefined();
    expect(within(row).getByText("Not ready")).toBeDefined();
    expect(within(row).getByText("Degraded")).toBeDefined();
    expect(within(row).queryByText("Ready")).toBeNull();
  });

  it("counts a targeted device that never reported as unreported, never healthy", () => {
    render(
      <DeploymentsTableView
        deployments={[deployment]}
        devices={new Map()}
        heartbeatPeriodMs={5000}
        now={now}
        empty="none"
      />,
    );
    expect(screen.getByText("0 succeeded · 0 failed · 0 pending · 1 unreported")).toBeDefined();
    expect(screen.getByText("Not ready")).toBeDefined();
  });
});

import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { withLiveStatus, type RegisteredDevice } from "../../devices/device-rows";
import type { DeviceSummary } from "../../fleet/device-summary";
import { DevicesTableView } from "./devices-table";

const now = Date.parse("2026-01-01T00:01:00Z");
const registered: RegisteredDevice[] = [
  {
    id: "pi-1",
    labels: { site: "berlin" },
    disabled: false,
    approved: true,
    phase: "Enrolled",
    userId: "u1",
    keyId: "k1",
    // The operator's status says offline; the live heartbeat below is newer and wins.
    connectivity: "Offline",
    agentVersion: "0.9.0",
  },
  {
    id: "pi-2",
    labels: {},
    disabled: true,
    approved: true,
    phase: "Disabled",
    userId: "u2",
    keyId: "k2",
  },
  {
    id: "pi-3",
    labels: { site: "paris" },
    disabled: false,
    approved: false,
    phase: "PendingApproval",
    enrollment: { token: "enroll-a", requestedAt: "2026-01-01T00:00:30Z" },
  },
  {
    id: "pi-4",
    labels: {},
    disabled: false,
    approved: true,
    phase: "Enrolled",
    keyId: "k4",
    // No heartbeat on this dashboard: the CR's status speaks for it.
    connectivity: "Online",
    lastSeenAt: "2026-01-01T00:00:40Z",
    agentVersion: "1.2.0",
  },
];
const fleet: DeviceSummary[] = [
  {
    deviceId: "pi-1",
    lastHeartbeatAt: "2026-01-01T00:00:58Z",
    receivedAtMs: Date.parse("2026-01-01T00:00:58Z"),
    agentVersion: "1.0.0",
    deployments: [],
  },
  // A device that reports but is not registered does not appear on this page.
  { deviceId: "stray", deployments: [] },
];

const row = (name: string): HTMLElement =>
  screen.getByText(name).closest('[role="row"]') as HTMLElement;

describe("devices table", () => {
  it("joins each registered device with its live status, else its CR status", () => {
    render(
      <DevicesTableView
        devices={withLiveStatus(registered, fleet)}
        heartbeatPeriodMs={5000}
        now={now}
      />,
    );
    expect(within(row("pi-1")).getByText("online")).toBeDefined();
    expect(within(row("pi-1")).getByText("Enrolled")).toBeDefined();
    expect(within(row("pi-1")).getByText("1.0.0")).toBeDefined();
    expect(within(row("pi-1")).getByText("site=berlin")).toBeDefined();
    expect(within(row("pi-2")).getByText("offline")).toBeDefined();
    expect(within(row("pi-2")).getByText("Disabled")).toBeDefined();
    expect(within(row("pi-2")).getByText("never reported")).toBeDefined();
    expect(within(row("pi-3")).getByText("PendingApproval")).toBeDefined();
    expect(within(row("pi-4")).getByText("online")).toBeDefined();
    expect(within(row("pi-4")).getByText("1.2.0")).toBeDefined();
    expect(within(row("pi-4")).getByText("20 s ago")).toBeDefined();
    expect(screen.queryByText("stray")).toBeNull();
  });

  it("has no actions column for viewers, one for deployers", () => {
    const { unmount } = render(
      <DevicesTableView
        devices={withLiveStatus(registered, [])}
        heartbeatPeriodMs={5000}
        now={now}
      />,
    );
    expect(screen.queryByRole("columnheader", { name: "Actions" })).toBeNull();
    expect(screen.queryByRole("button")).toBeNull();
    unmount();
    render(
      <DevicesTableView
        devices={withLiveStatus(registered, [])}
        heartbeatPeriodMs={5000}
        now={now}
        actions={(d) => <button type="button">Disable {d.id}</button>}
      />,
    );
    expect(screen.getByRole("columnheader", { name: "Actions" })).toBeDefined();
    expect(within(row("pi-2")).getByRole("button", { name: "Disable pi-2" })).toBeDefined();
  });

  it("says when the filter hides every device", () => {
    render(<DevicesTableView devices={[]} heartbeatPeriodMs={5000} now={now} filtered />);
    expect(screen.getByText("No device matches this filter.")).toBeDefined();
  });
});

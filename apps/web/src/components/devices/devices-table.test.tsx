import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { withLiveStatus, type RegisteredDevice } from "../../devices/device-rows";
import type { DeviceSummary } from "../../fleet/device-summary";
import { DevicesTableView } from "./devices-table";

const now = Date.parse("2026-01-01T00:01:00Z");
const registered: RegisteredDevice[] = [
  { id: "pi-1", labels: { site: "berlin" }, disabled: false, userId: "u1", keyId: "k1" },
  { id: "pi-2", labels: {}, disabled: true, userId: "u2", keyId: "k2" },
];
const fleet: DeviceSummary[] = [
  {
    deviceId: "pi-1",
    lastHeartbeatAt: "2026-01-01T00:00:58Z",
    receivedAtMs: Date.parse("2026-01-01T00:00:58Z"),
    deployments: [],
  },
  // A device that reports but is not registered does not appear on this page.
  { deviceId: "stray", deployments: [] },
];

const row = (name: string): HTMLElement =>
  screen.getByText(name).closest('[role="row"]') as HTMLElement;

describe("devices table", () => {
  it("joins each registered device with its live status", () => {
    render(
      <DevicesTableView
        devices={withLiveStatus(registered, fleet)}
        heartbeatPeriodMs={5000}
        now={now}
      />,
    );
    expect(within(row("pi-1")).getByText("online")).toBeDefined();
    expect(within(row("pi-1")).getByText("enabled")).toBeDefined();
    expect(within(row("pi-1")).getByText("site=berlin")).toBeDefined();
    expect(within(row("pi-2")).getByText("offline")).toBeDefined();
    expect(within(row("pi-2")).getByText("disabled")).toBeDefined();
    expect(within(row("pi-2")).getByText("never reported")).toBeDefined();
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
});

import { render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { DeviceSummary } from "../../fleet/device-summary";
import { FleetTableView } from "./fleet-table";

vi.mock("next/link", () => ({
  default: ({ href, children }: { href: string; children: React.ReactNode }) => (
    <a href={href}>{children}</a>
  ),
}));

const now = Date.parse("2026-01-01T00:01:00Z");
/** A device whose last heartbeat was received (and claims to be from) `lastHeartbeatAt`. */
const device = (deviceId: string, lastHeartbeatAt?: string): DeviceSummary => ({
  deviceId,
  lastHeartbeatAt,
  receivedAtMs: lastHeartbeatAt === undefined ? undefined : Date.parse(lastHeartbeatAt),
  deployments: [],
});

describe("fleet table - online from heartbeat age", () => {
  it("shows offline for a stale heartbeat and online for a fresh one", () => {
    render(
      <FleetTableView
        devices={[
          device("fresh", "2026-01-01T00:00:55Z"),
          device("stale", "2026-01-01T00:00:30Z"),
          device("silent"),
        ]}
        heartbeatPeriodMs={5000}
        now={now}
      />,
    );
    const row = (name: string): HTMLElement =>
      screen.getByText(name).closest('[role="row"]') as HTMLElement;
    expect(within(row("fresh")).getByText("online")).toBeDefined();
    expect(within(row("stale")).getByText("offline")).toBeDefined();
    expect(within(row("silent")).getByText("offline")).toBeDefined();
    expect(within(row("silent")).getByText("never reported")).toBeDefined();
  });

  it("shows the last heartbeat relative to now, with the exact time on hover", () => {
    render(
      <FleetTableView
        devices={[device("fresh", "2026-01-01T00:00:48Z")]}
        heartbeatPeriodMs={5000}
        now={now}
      />,
    );
    const time = screen.getByText("12 s ago");
    expect(time.tagName).toBe("TIME");
    expect(time.getAttribute("datetime")).toBe("2026-01-01T00:00:48Z");
    expect(time.getAttribute("title")).toMatch(/2026/);
  });

  it("renders a bounded number of rows for 10 000 devices", () => {
    const devices = Array.from({ length: 10_000 }, (_, i) =>
      device(`d-${String(i).padStart(5, "0")}`, "2026-01-01T00:00:59Z"),
    );
    render(<FleetTableView devices={devices} heartbeatPeriodMs={5000} now={now} />);
    expect(screen.getAllByRole("row").length).toBeLessThan(60);
    expect(screen.getByText("d-00000")).toBeDefined();
  });

  it("shows the empty state", () => {
    render(<FleetTableView devices={[]} heartbeatPeriodMs={5000} now={now} />);
    expect(screen.getByText(/No devices yet/)).toBeDefined();
  });
});

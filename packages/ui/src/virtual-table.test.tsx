import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { VirtualTable, type Column } from "./virtual-table.js";

interface Device {
  id: string;
}
const columns: Column<Device>[] = [{ header: "Device", width: "1fr", cell: (d) => d.id }];
const devices = (count: number): Device[] =>
  Array.from({ length: count }, (_, i) => ({ id: `device-${i}` }));

describe("VirtualTable - rendering", () => {
  it("renders a bounded number of rows for 10 000 items", () => {
    render(
      <VirtualTable
        label="Devices"
        rows={devices(10_000)}
        columns={columns}
        rowKey={(d) => d.id}
        empty="none"
      />,
    );
    const bodyRows = screen.getAllByRole("row").length - 1;
    expect(bodyRows).toBeGreaterThan(0);
    expect(bodyRows).toBeLessThan(60);
    expect(screen.getByText("device-0")).toBeDefined();
    expect(screen.queryByText("device-9999")).toBeNull();
    expect(screen.getByRole("table").getAttribute("aria-rowcount")).toBe("10001");
  });

  it("renders every row of a one-item table", () => {
    render(
      <VirtualTable
        label="Devices"
        rows={devices(1)}
        columns={columns}
        rowKey={(d) => d.id}
        empty="none"
      />,
    );
    expect(screen.getByText("device-0")).toBeDefined();
  });

  it("shows the empty state when there are no rows", () => {
    render(
      <VirtualTable
        label="Devices"
        rows={[]}
        columns={columns}
        rowKey={(d) => d.id}
        empty="No devices yet"
      />,
    );
    expect(screen.getByText("No devices yet")).toBeDefined();
  });
});

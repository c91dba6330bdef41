"use client";
// Pick target devices from the fleet; filterable and virtualized for large fleets.
import { OnlineBadge, VirtualTable, type Column } from "@fleet/ui";
import { useState, type ReactElement } from "react";

interface Choice {
  deviceId: string;
  online: boolean;
}

export function DevicePicker({
  devices,
  selected,
  onChange,
  error,
}: {
  devices: readonly Choice[];
  selected: string[];
  onChange: (ids: string[]) => void;
  error?: string | undefined;
}): ReactElement {
  const [filter, setFilter] = useState("");
  const chosen = new Set(selected);
  const visible = filter === "" ? devices : devices.filter((d) => d.deviceId.includes(filter));
  const toggle = (id: string): void => {
    onChange(chosen.has(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  };
  const columns: Column<Choice>[] = [
    {
      header: "Target",
      width: "minmax(10rem,1fr)",
      cell: (d) => (
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={chosen.has(d.deviceId)}
            onChange={() => {
              toggle(d.deviceId);
            }}
          />
          {d.deviceId}
        </label>
      ),
    },
    { header: "Status", width: "6rem", cell: (d) => <OnlineBadge online={d.online} /> },
  ];
  return (
    <fieldset
      className="flex flex-col gap-2"
      aria-describedby={error ? "targets-error" : undefined}
    >
      <legend className="text-sm font-medium text-slate-800">
        Target devices ({selected.length} selected)
      </legend>
      <input
        aria-label="Filter devices"
        placeholder="Filter devices"
        value={filter}
        onChange={(e) => {
          setFilter(e.target.value);
        }}
        className="w-64 rounded border border-slate-300 px-2 py-1 text-sm"
      />
      <VirtualTable
        label="Target devices"
        rows={visible}
        columns={columns}
        rowKey={(d) => d.deviceId}
        empty="No devices in the fleet yet."
        maxHeight={240}
        rowHeight={36}
      />
      {error && (
        <p id="targets-error" role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}

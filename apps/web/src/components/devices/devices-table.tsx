"use client";
// Every registered device: its enrollment phase, labels, online/offline, agent
// version and when it was last seen (the live heartbeat where the dashboard
// has one, else what the operator wrote into the Device's status). Deployers
// get the row's actions in the last column.
import { Badge, OnlineBadge, RelativeTime, VirtualTable, type Column, type Tone } from "@fleet/ui";
import type { DevicePhase } from "@fleet/contracts";
import type { ReactElement, ReactNode } from "react";
import { livenessOf, type DeviceRowView } from "../../devices/device-rows";
import { labelsText } from "../../devices/form-model";

export interface DevicesTableViewProps {
  devices: readonly DeviceRowView[];
  heartbeatPeriodMs: number;
  now: number;
  /** Shown when there are devices but none passes the filter. */
  filtered?: boolean;
  /** A deployer's buttons for one row; absent for viewers. */
  actions?: ((device: DeviceRowView) => ReactNode) | undefined;
}

const phaseTones: Record<DevicePhase, Tone> = {
  PendingApproval: "warn",
  Enrolled: "good",
  Disabled: "bad",
};

function PhaseCell({ device }: { device: DeviceRowView }): ReactElement {
  // Approved, but iot-identity has not issued the identity yet (or says why not).
  const waiting = device.phase === "PendingApproval" && device.approved;
  return (
    <span className="flex flex-col items-start" title={device.message}>
      <Badge tone={phaseTones[device.phase]}>{device.phase}</Badge>
      {waiting && (
        <span className="truncate text-xs text-slate-500">{device.message ?? "approved"}</span>
      )}
    </span>
  );
}

export function DevicesTableView({
  devices,
  heartbeatPeriodMs,
  now,
  filtered = false,
  actions,
}: DevicesTableViewProps): ReactElement {
  const columns: Column<DeviceRowView>[] = [
    {
      header: "Device",
      width: "minmax(8rem,1fr)",
      cell: (d) => (
        <span className="flex flex-col" title={d.description}>
          <span className="truncate font-medium">{d.id}</span>
          {d.keyId !== undefined && (
            <code className="truncate text-xs text-slate-500">key {d.keyId}</code>
          )}
        </span>
      ),
    },
    { header: "Phase", width: "9rem", cell: (d) => <PhaseCell device={d} /> },
    {
      header: "Labels",
      width: "minmax(8rem,1.5fr)",
      cell: (d) => {
        const text = labelsText(d.labels);
        return text === "" ? (
          <span className="text-slate-400">none</span>
        ) : (
          <span title={text}>{text}</span>
        );
      },
    },
    {
      header: "Status",
      width: "6rem",
      cell: (d) => <OnlineBadge online={livenessOf(d, now, heartbeatPeriodMs).online} />,
    },
    {
      header: "Agent",
      width: "6rem",
      cell: (d) => livenessOf(d, now, heartbeatPeriodMs).agentVersion ?? "—",
    },
    {
      header: "Last seen",
      width: "8rem",
      cell: (d) => {
        const seen = livenessOf(d, now, heartbeatPeriodMs).lastSeenAt;
        return seen === undefined ? "never reported" : <RelativeTime at={seen} now={now} />;
      },
    },
    ...(actions
      ? [
          {
            header: "Actions",
            width: "minmax(18rem,2fr)",
            cell: actions,
          } satisfies Column<DeviceRowView>,
        ]
      : []),
  ];
  return (
    <VirtualTable
      label="Registered devices"
      rows={devices}
      columns={columns}
      rowKey={(d) => d.id}
      rowHeight={52}
      empty={
        filtered
          ? "No device matches this filter."
          : "No devices registered yet. A deployer adds one here (Add device) or with iot-operator enrollment create."
      }
    />
  );
}

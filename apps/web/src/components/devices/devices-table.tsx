"use client";
// Every registered device: its labels, whether it is disabled, its current key,
// and online/offline with its last heartbeat from the live fleet status.
// Deployers get the row's actions in the last column.
import { Badge, OnlineBadge, RelativeTime, VirtualTable, type Column } from "@fleet/ui";
import type { ReactElement, ReactNode } from "react";
import type { DeviceRowView } from "../../devices/device-rows";
import { isOnline } from "../../fleet/device-summary";

export interface DevicesTableViewProps {
  devices: readonly DeviceRowView[];
  heartbeatPeriodMs: number;
  now: number;
  /** A deployer's buttons for one row; absent for viewers. */
  actions?: ((device: DeviceRowView) => ReactNode) | undefined;
}

function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(", ");
}

export function DevicesTableView({
  devices,
  heartbeatPeriodMs,
  now,
  actions,
}: DevicesTableViewProps): ReactElement {
  const columns: Column<DeviceRowView>[] = [
    {
      header: "Device",
      width: "minmax(8rem,1fr)",
      cell: (d) => <span className="font-medium">{d.id}</span>,
    },
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
      header: "Access",
      width: "6rem",
      cell: (d) => (
        <Badge tone={d.disabled ? "bad" : "good"}>{d.disabled ? "disabled" : "enabled"}</Badge>
      ),
    },
    {
      header: "Status",
      width: "6rem",
      cell: (d) =>
        d.live ? (
          <OnlineBadge online={isOnline(d.live, now, heartbeatPeriodMs)} />
        ) : (
          <OnlineBadge online={false} />
        ),
    },
    {
      header: "Last heartbeat",
      width: "8rem",
      cell: (d) =>
        d.live?.lastHeartbeatAt ? (
          <RelativeTime at={d.live.lastHeartbeatAt} now={now} />
        ) : (
          "never reported"
        ),
    },
    {
      header: "Key id",
      width: "minmax(6rem,1fr)",
      cell: (d) => <code className="text-xs">{d.keyId ?? "—"}</code>,
    },
    ...(actions
      ? [
          {
            header: "Actions",
            width: "minmax(16rem,1.5fr)",
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
      empty="No devices registered yet. A deployer adds one here or with iot-operator device add."
    />
  );
}

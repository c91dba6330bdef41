"use client";
// Every device: online/offline from heartbeat age, last heartbeat, inventory and
// its deployments. Virtualized; heartbeats arrive live through the query cache.
import { offlineAfterMs } from "@fleet/contracts";
import {
  OnlineBadge,
  PhaseBadge,
  RelativeTime,
  VirtualTable,
  useNow,
  type Column,
} from "@fleet/ui";
import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactElement } from "react";
import { formatBytes, isOnline, type DeviceSummary } from "../../fleet/device-summary";
import { useTRPC } from "../../trpc/react";

export function FleetTableView({
  devices,
  heartbeatPeriodMs,
  now,
}: {
  devices: readonly DeviceSummary[];
  heartbeatPeriodMs: number;
  now: number;
}): ReactElement {
  const columns: Column<DeviceSummary>[] = [
    {
      header: "Device",
      width: "minmax(8rem,1fr)",
      cell: (d) => (
        <Link className="font-medium text-sky-700 hover:underline" href={`/fleet/${d.deviceId}`}>
          {d.deviceId}
        </Link>
      ),
    },
    {
      header: "Status",
      width: "6rem",
      cell: (d) => <OnlineBadge online={isOnline(d, now, heartbeatPeriodMs)} />,
    },
    {
      header: "Last heartbeat",
      width: "8rem",
      cell: (d) =>
        d.lastHeartbeatAt ? <RelativeTime at={d.lastHeartbeatAt} now={now} /> : "never reported",
    },
    {
      header: "Inventory",
      width: "minmax(14rem,1.5fr)",
      cell: (d) => {
        if (!d.inventory) return "—";
        const text = `${d.inventory.arch} · ${d.inventory.cpuCores} CPU · ${formatBytes(d.inventory.memoryBytes)} · ${d.inventory.os}`;
        return <span title={text}>{text}</span>;
      },
    },
    {
      header: "Deployments",
      width: "minmax(12rem,2fr)",
      cell: (d) =>
        d.deployments.length === 0 ? (
          <span className="text-slate-400">none</span>
        ) : (
          <span
            className="flex gap-2"
            title={d.deployments
              .map((dep) => `${dep.namespace}/${dep.name}: ${dep.phase}`)
              .join(", ")}
          >
            {d.deployments.map((dep) => (
              <span key={`${dep.namespace}/${dep.name}`} className="inline-flex items-center gap-1">
                {dep.namespace}/{dep.name} <PhaseBadge phase={dep.phase} />
              </span>
            ))}
          </span>
        ),
    },
  ];
  return (
    <VirtualTable
      label="Devices"
      rows={devices}
      columns={columns}
      rowKey={(d) => d.deviceId}
      empty="No devices yet. Start an agent on a device and it appears here with its first heartbeat."
    />
  );
}

export function FleetTable(): ReactElement {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.fleet.devices.queryOptions());
  const now = useNow();
  const online = data.devices.filter((d) => isOnline(d, now, data.heartbeatPeriodMs)).length;
  return (
    <section className="flex flex-col gap-3">
      <p className="text-sm text-slate-600">
        {data.devices.length} devices · {online} online · offline after{" "}
        {offlineAfterMs(data.heartbeatPeriodMs) / 1000} s without a heartbeat
      </p>
      <FleetTableView devices={data.devices} heartbeatPeriodMs={data.heartbeatPeriodMs} now={now} />
    </section>
  );
}

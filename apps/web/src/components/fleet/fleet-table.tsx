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
import { useMemo, useState, type ReactElement } from "react";
import { formatBytes, isOnline, type DeviceSummary } from "../../fleet/device-summary";
import { useTRPC } from "../../trpc/react";
import { LabelFilter, useLabelFilter } from "./label-filter";
import { useWholeFleet } from "./use-whole-fleet";

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

/**
 * The devices to show: the whole live list once the browser has it, else the
 * server's first screenful (heartbeats update both), with the fleet's counts.
 */
function useFleet(): {
  devices: DeviceSummary[];
  heartbeatPeriodMs: number;
  /** False until the whole list is here; until then the counts come from the server. */
  complete: boolean;
  total: number;
  serverOnline: number;
} {
  const trpc = useTRPC();
  const overview = useSuspenseQuery(trpc.fleet.overview.queryOptions()).data;
  const full = useWholeFleet();
  return full
    ? {
        devices: full.devices,
        heartbeatPeriodMs: full.heartbeatPeriodMs,
        complete: true,
        total: full.devices.length,
        serverOnline: 0,
      }
    : {
        devices: overview.firstRows,
        heartbeatPeriodMs: overview.heartbeatPeriodMs,
        complete: false,
        total: overview.total,
        serverOnline: overview.online,
      };
}

export function FleetTable(): ReactElement {
  const fleet = useFleet();
  const now = useNow();
  const [selectorText, setSelectorText] = useState("");
  const filter = useLabelFilter(selectorText);
  // Heartbeats replace the list many times a second; the filter only re-runs then.
  const shown = useMemo(
    () =>
      filter.matching === undefined
        ? fleet.devices
        : fleet.devices.filter((d) => filter.matching?.has(d.deviceId) === true),
    [fleet.devices, filter.matching],
  );
  const online = fleet.complete
    ? shown.filter((d) => isOnline(d, now, fleet.heartbeatPeriodMs)).length
    : fleet.serverOnline;
  const counts =
    filter.matching === undefined || !fleet.complete
      ? `${fleet.total} devices`
      : `${shown.length} of ${fleet.total} devices match`;
  return (
    <section className="flex flex-col gap-3">
      <LabelFilter text={selectorText} onText={setSelectorText} filter={filter} />
      <p className="text-sm text-slate-600" data-testid="fleet-counts" aria-busy={!fleet.complete}>
        {counts} · {online} online · offline after {offlineAfterMs(fleet.heartbeatPeriodMs) / 1000}{" "}
        s without a heartbeat
        {!fleet.complete && fleet.total > fleet.devices.length && " · loading the rest…"}
      </p>
      <FleetTableView devices={shown} heartbeatPeriodMs={fleet.heartbeatPeriodMs} now={now} />
    </section>
  );
}

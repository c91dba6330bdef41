"use client";
// One device: status, inventory, its deployments and its recent events (live).
import { Badge, OnlineBadge, PhaseBadge, RelativeTime, useNow } from "@fleet/ui";
import { useSuspenseQuery } from "@tanstack/react-query";
import type { ReactElement } from "react";
import { formatBytes, isOnline } from "../../fleet/device-summary";
import { useTRPC } from "../../trpc/react";

const severityTone = { Info: "neutral", Warning: "warn", Error: "bad" } as const;

export function DeviceDetail({ deviceId }: { deviceId: string }): ReactElement {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.fleet.device.queryOptions({ deviceId }));
  const now = useNow();
  const { device } = data;
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">{device.deviceId}</h1>
        <OnlineBadge online={isOnline(device, now, data.heartbeatPeriodMs)} />
        <span className="text-sm text-slate-600">
          last heartbeat{" "}
          {device.lastHeartbeatAt ? (
            <RelativeTime at={device.lastHeartbeatAt} now={now} />
          ) : (
            "never"
          )}{" "}
          · agent {device.agentVersion}
        </span>
      </div>
      <section>
        <h2 className="mb-2 font-semibold">Inventory</h2>
        {device.inventory ? (
          <dl className="grid grid-cols-[10rem_1fr] gap-1 text-sm">
            <dt>Architecture</dt>
            <dd>{device.inventory.arch}</dd>
            <dt>CPU cores</dt>
            <dd>{device.inventory.cpuCores}</dd>
            <dt>Memory</dt>
            <dd>{formatBytes(device.inventory.memoryBytes)}</dd>
            <dt>Disk</dt>
            <dd>{formatBytes(device.inventory.diskBytes)}</dd>
            <dt>OS / kernel</dt>
            <dd>
              {device.inventory.os} / {device.inventory.kernel}
            </dd>
          </dl>
        ) : (
          <p className="text-sm text-slate-500">The agent has not reported an inventory.</p>
        )}
      </section>
      <section>
        <h2 className="mb-2 font-semibold">Deployments</h2>
        {device.deployments.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing is deployed to this device.</p>
        ) : (
          <ul className="flex flex-col gap-1 text-sm">
            {device.deployments.map((d) => (
              <li key={`${d.namespace}/${d.name}`} className="flex items-center gap-2">
                <a
                  className="text-sky-700 hover:underline"
                  href={`/deployments/${d.namespace}/${d.name}`}
                >
                  {d.namespace}/{d.name}
                </a>
                <PhaseBadge phase={d.phase} />
                {d.lastError && <span className="text-red-700">{d.lastError}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2 className="mb-2 font-semibold">Recent events</h2>
        {device.recentEvents.length === 0 ? (
          <p className="text-sm text-slate-500">No events yet.</p>
        ) : (
          <ol className="flex flex-col gap-1 text-sm">
            {device.recentEvents.map((e, i) => (
              <li key={`${e.at}-${i}`} className="flex items-baseline gap-2">
                <RelativeTime className="w-24 shrink-0 text-slate-500" at={e.at} now={now} />
                <Badge tone={severityTone[e.severity]}>{e.severity}</Badge>
                <span>{e.message}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

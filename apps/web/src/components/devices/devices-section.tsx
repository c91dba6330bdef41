"use client";
// The Devices page: the registry (Device CRs, read as the signed-in user) joined
// with the fleet's live status. Deployers on a dashboard that may provision get
// the add form and each row's actions; viewers see the list only.
import { useNow } from "@fleet/ui";
import { useSuspenseQuery } from "@tanstack/react-query";
import { useState, type ReactElement } from "react";
import { withLiveStatus } from "../../devices/device-rows";
import { useTRPC } from "../../trpc/react";
import { AddDevice } from "./add-device";
import { DeviceActions } from "./device-actions";
import { DevicesTableView } from "./devices-table";

export function DevicesSection({ canWrite }: { canWrite: boolean }): ReactElement {
  const trpc = useTRPC();
  const registry = useSuspenseQuery(trpc.devices.list.queryOptions()).data;
  // Heartbeats arrive live into this query (LiveUpdates), so online/offline stays current.
  const fleet = useSuspenseQuery(trpc.fleet.devices.queryOptions()).data;
  const now = useNow();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const manage = canWrite && registry.provisioning;
  const devices = withLiveStatus(registry.devices, fleet.devices);
  return (
    <section className="flex flex-col gap-3">
      <p className="text-sm text-slate-600">
        {devices.length} registered · {devices.filter((d) => d.disabled).length} disabled
      </p>
      {canWrite && !registry.provisioning && (
        <p className="rounded bg-amber-50 p-2 text-sm text-amber-900">
          This dashboard has no IdP admin key, so devices are added and revoked with iot-operator
          device (docs/devices.md).
        </p>
      )}
      {manage && <AddDevice onNotice={setNotice} />}
      {notice && (
        <p role="status" className="rounded bg-emerald-50 p-2 text-sm text-emerald-900">
          {notice}
        </p>
      )}
      <DevicesTableView
        devices={devices}
        heartbeatPeriodMs={fleet.heartbeatPeriodMs}
        now={now}
        actions={
          manage ? (device) => <DeviceActions device={device} onNotice={setNotice} /> : undefined
        }
      />
    </section>
  );
}

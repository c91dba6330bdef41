"use client";
// The Devices page: the registry (Device CRs, read and watched as the
// signed-in user, so a device that just enrolled appears without a reload)
// joined with the fleet's live heartbeats, filtered by label selector and
// phase. Deployers get "Add device" (an enrollment token and its command), the
// row actions and the editor they open; viewers see the list only (and the
// server refuses their writes anyway).
import { useNow } from "@fleet/ui";
import { useSuspenseQuery } from "@tanstack/react-query";
import { useMemo, useState, type ReactElement } from "react";
import { deviceFilter, NO_FILTER, type DeviceFilterValues } from "../../devices/device-filter";
import { withLiveStatus } from "../../devices/device-rows";
import { useTRPC } from "../../trpc/react";
import { PushProblem } from "../deployments/push-problem";
import { AddDevice } from "./add-device";
import { DeviceActions, type DeviceEdit } from "./device-actions";
import { DeviceEditor } from "./device-editor";
import { DeviceFilterBar } from "./device-filter-bar";
import { DevicesTableView } from "./devices-table";
import { EnrollmentTokens } from "./enrollment-tokens";
import { ProvisionDevice } from "./provision-device";
import { useLiveDevices } from "./use-live-devices";

const everyDevice = (): boolean => true;

/** The filter as typed, and the last one that parsed (the list keeps it while the text is wrong). */
function useDeviceFilter() {
  const [values, setValues] = useState<DeviceFilterValues>(NO_FILTER);
  const [applied, setApplied] = useState(() => deviceFilter(NO_FILTER));
  const current = useMemo(() => deviceFilter(values), [values]);
  return {
    values,
    error: current.ok ? undefined : current.error,
    matches: current.ok ? current.matches : applied.ok ? applied.matches : everyDevice,
    active: values.selector.trim() !== "" || values.phase !== "",
    set: (next: DeviceFilterValues) => {
      setValues(next);
      const filter = deviceFilter(next);
      if (filter.ok) setApplied(filter);
    },
  };
}

export function DevicesSection({ canWrite }: { canWrite: boolean }): ReactElement {
  const trpc = useTRPC();
  const registry = useLiveDevices();
  // Heartbeats arrive live into this query (LiveUpdates), so online/offline stays current.
  const fleet = useSuspenseQuery(trpc.fleet.devices.queryOptions()).data;
  const now = useNow();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [edit, setEdit] = useState<DeviceEdit | undefined>(undefined);
  const filter = useDeviceFilter();
  // Not per clock tick: only when the registry, the heartbeats or the filter change.
  const all = useMemo(
    () => withLiveStatus(registry.devices, fleet.devices),
    [registry.devices, fleet.devices],
  );
  const devices = useMemo(() => all.filter(filter.matches), [all, filter.matches]);
  const pending = useMemo(
    () => all.filter((d) => d.phase === "PendingApproval" && !d.approved).length,
    [all],
  );
  // The editor closes if its device goes away; it keeps the labels it opened with, so
  // a save after someone else changed them is refused instead of overwriting theirs.
  const editing = edit && all.some((d) => d.id === edit.device.id) ? edit : undefined;
  return (
    <section className="flex flex-col gap-3">
      <p className="text-sm text-slate-600">
        {all.length} registered · {pending} waiting for approval ·{" "}
        {all.filter((d) => d.disabled).length} disabled
        {filter.active && ` · ${devices.length} shown`}
      </p>
      <PushProblem push={registry.push} what="Device changes" />
      {canWrite && <AddDevice enrollment={registry.enrollment} />}
      <EnrollmentTokens canWrite={canWrite} />
      {notice && (
        <p role="status" className="rounded bg-emerald-50 p-2 text-sm text-emerald-900">
          {notice}
        </p>
      )}
      {canWrite && editing && (
        <DeviceEditor
          key={`${editing.kind}/${editing.device.id}`}
          edit={editing}
          onDone={() => {
            setEdit(undefined);
          }}
          onNotice={setNotice}
        />
      )}
      <DeviceFilterBar values={filter.values} error={filter.error} onChange={filter.set} />
      <DevicesTableView
        devices={devices}
        heartbeatPeriodMs={fleet.heartbeatPeriodMs}
        now={now}
        filtered={filter.active}
        actions={
          canWrite
            ? (device) => (
                <DeviceActions
                  device={device}
                  provisioning={registry.provisioning}
                  onEdit={setEdit}
                  onNotice={setNotice}
                />
              )
            : undefined
        }
      />
      {canWrite && registry.provisioning && (
        <details className="text-sm">
          <summary className="cursor-pointer text-slate-700">
            Or provision a device with a credential file (no enrollment server needed)
          </summary>
          <div className="mt-2">
            <ProvisionDevice onNotice={setNotice} />
          </div>
        </details>
      )}
    </section>
  );
}

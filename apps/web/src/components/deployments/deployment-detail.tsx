"use client";
// One deployment: spec, conditions, counts, the phase and newest event on each
// device (live from heartbeats), the last error and the recent events (from the
// CR status, re-read every few seconds).
import { Badge, PhaseBadge, PhaseBar, VirtualTable, type Column } from "@fleet/ui";
import { useSuspenseQuery } from "@tanstack/react-query";
import type { AgentEvent } from "@fleet/contracts";
import type { ReactElement } from "react";
import { STATUS_REFRESH_MS } from "../../deployments/status-refresh";
import { useTRPC } from "../../trpc/react";
import { Conditions } from "./deployments-table";
import { DeleteDeployment } from "./delete-deployment";
import { SetImageForm } from "./set-image-form";

interface DevicePhase {
  deviceId: string;
  phase: string;
  lastError?: string | undefined;
  lastEvent?: AgentEvent | undefined;
}

const deviceColumns: Column<DevicePhase>[] = [
  {
    header: "Device",
    width: "minmax(8rem,1fr)",
    cell: (d) => (
      <a className="text-sky-700 hover:underline" href={`/fleet/${d.deviceId}`}>
        {d.deviceId}
      </a>
    ),
  },
  { header: "Phase", width: "8rem", cell: (d) => <PhaseBadge phase={d.phase} /> },
  {
    header: "Last event",
    width: "minmax(12rem,3fr)",
    cell: (d) =>
      d.lastEvent ? (
        <span title={d.lastEvent.message}>
          <time className="mr-2 text-slate-500" dateTime={d.lastEvent.at}>
            {d.lastEvent.at.slice(11, 19)}
          </time>
          {d.lastEvent.message}
        </span>
      ) : (
        ""
      ),
  },
  { header: "Last error", width: "minmax(10rem,2fr)", cell: (d) => d.lastError ?? "" },
];

export function DeploymentDetail({
  namespace,
  name,
  canWrite,
}: {
  namespace: string;
  name: string;
  canWrite: boolean;
}): ReactElement {
  const trpc = useTRPC();
  const { data: deployment } = useSuspenseQuery(
    trpc.deployments.byName.queryOptions(
      { namespace, name },
      { refetchInterval: STATUS_REFRESH_MS },
    ),
  );
  const { data: fleet } = useSuspenseQuery(trpc.fleet.devices.queryOptions());
  const byId = new Map(fleet.devices.map((d) => [d.deviceId, d]));
  const phases: DevicePhase[] = deployment.spec.targetDevices.map((deviceId) => {
    const report = byId
      .get(deviceId)
      ?.deployments.find((d) => d.namespace === namespace && d.name === name);
    return {
      deviceId,
      phase: report?.phase ?? "Unreported",
      lastError: report?.lastError,
      lastEvent: report?.lastEvent,
    };
  });
  const aggregate = deployment.status?.aggregate;
  const services = deployment.spec.score.PodmanV0.services;
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">
          {namespace}/{name}
        </h1>
        <Conditions deployment={deployment} />
        {canWrite && <DeleteDeployment namespace={namespace} name={name} />}
      </div>
      <section className="grid gap-2 text-sm">
        {services.map((s) => (
          <p key={s.name}>
            <span className="font-medium">{s.name}</span>: <code>{s.image}</code>{" "}
            {s.ports.map((p) => `${p.hostPort}→${p.containerPort}/${p.protocol}`).join(", ")}
          </p>
        ))}
        {canWrite && (
          <SetImageForm namespace={namespace} name={name} image={services[0]?.image ?? ""} />
        )}
      </section>
      <section>
        <h2 className="mb-2 font-semibold">Status</h2>
        <PhaseBar
          counts={
            aggregate ?? {
              succeeded: 0,
              failed: 0,
              pending: 0,
              unreported: deployment.spec.targetDevices.length,
            }
          }
        />
        {aggregate?.lastError && (
          <p role="note" className="mt-2 rounded bg-red-50 p-2 text-sm text-red-900">
            Last error on {aggregate.lastError.device} at {aggregate.lastError.at}:{" "}
            {aggregate.lastError.message}
          </p>
        )}
      </section>
      <section>
        <h2 className="mb-2 font-semibold">Devices</h2>
        <VirtualTable
          label="Phase per device"
          rows={phases}
          columns={deviceColumns}
          rowKey={(d) => d.deviceId}
          empty="No target devices."
          maxHeight={400}
        />
      </section>
      <section>
        <h2 className="mb-2 font-semibold">Recent events</h2>
        {(aggregate?.recentEvents.length ?? 0) === 0 ? (
          <p className="text-sm text-slate-500">No events yet.</p>
        ) : (
          <ol className="flex flex-col gap-1 text-sm">
            {aggregate?.recentEvents.map((e, i) => (
              <li key={`${e.at}-${i}`} className="flex gap-2">
                <time className="w-48 shrink-0 text-slate-500" dateTime={e.at}>
                  {e.at}
                </time>
                <Badge
                  tone={
                    e.severity === "Error" ? "bad" : e.severity === "Warning" ? "warn" : "neutral"
                  }
                >
                  {e.severity}
                </Badge>
                <span>
                  {e.device}: {e.message}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

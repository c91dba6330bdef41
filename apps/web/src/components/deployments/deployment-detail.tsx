"use client";
// One deployment. The spec follows the CR by push (a Kubernetes watch streamed
// over server-sent events); the counts, conditions, last error, events and the
// row of every device are all computed from the same live heartbeats, with the
// operator's own rules, so the page never contradicts itself. The rollout
// panel shows the operator's status.rollout from the same pushed CR. A deletion
// anywhere turns the page into a "deleted" notice at once.
import {
  Badge,
  PhaseBadge,
  PhaseBar,
  RelativeTime,
  useNow,
  VirtualTable,
  type Column,
} from "@fleet/ui";
import {
  formatLabelSelector,
  offlineAfterMs,
  servicesOf,
  type AggregateTarget,
  type DeploymentResource,
  type LabelSelector,
  type ScoreService,
} from "@fleet/contracts";
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useMemo, type ReactElement } from "react";
import type { DeploymentPageModel } from "../../deployments/page-model";
import { hostPortConflict } from "../../deployments/live-conditions";
import { deploymentPageModel } from "../../deployments/page-model";
import { rolloutActions } from "../../deployments/rollout-model";
import { useTRPC } from "../../trpc/react";
import { DeleteDeployment } from "./delete-deployment";
import { ConditionBadges } from "./condition-badges";
import { PushProblem } from "./push-problem";
import { RolloutActions } from "./rollout-actions";
import { RolloutPanel } from "./rollout-panel";
import { SetImageForm } from "./set-image-form";
import { useLiveDeployment } from "./use-live-deployments";

const severityTone = { Info: "neutral", Warning: "warn", Error: "bad" } as const;

function deviceColumns(model: DeploymentPageModel): Column<AggregateTarget>[] {
  return [
    {
      header: "Device",
      width: "minmax(8rem,1fr)",
      cell: (t) => (
        <a className="text-sky-700 hover:underline" href={`/fleet/${t.device}`}>
          {t.device}
        </a>
      ),
    },
    { header: "Phase", width: "7rem", cell: (t) => <PhaseBadge phase={model.row(t).phase} /> },
    {
      header: "Last heard",
      width: "7rem",
      cell: (t) => {
        const heard = model.row(t).heardAtMs;
        return heard === undefined ? (
          <span className="text-slate-400">never</span>
        ) : (
          <RelativeTime at={new Date(heard).toISOString()} />
        );
      },
    },
    {
      header: "Last event",
      width: "minmax(12rem,3fr)",
      cell: (t) => {
        const event = model.row(t).lastEvent;
        return event ? (
          <span title={event.message}>
            <RelativeTime className="mr-2 text-slate-500" at={event.at} />
            {event.message}
          </span>
        ) : (
          ""
        );
      },
    },
    {
      header: "Last error",
      width: "minmax(10rem,2fr)",
      cell: (t) => {
        const error = model.row(t).lastError;
        return error ? <span title={error}>{error}</span> : "";
      },
    },
  ];
}

function Services({ services }: { services: readonly ScoreService[] }): ReactElement {
  return (
    <>
      {services.map((s) => (
        <p key={s.name}>
          <span className="font-medium">{s.name}</span>: <code>{s.image}</code>{" "}
          {s.ports.map((p) => `${p.hostPort}→${p.containerPort}/${p.protocol}`).join(", ")}
        </p>
      ))}
    </>
  );
}

/** How often the selector's matches are re-read (labels change on Device CRs, not in heartbeats). */
const MATCH_REFRESH_MS = 10_000;

/** The ids a selector targets now, from the server; undefined until the first answer. */
function useSelectorTargets(selector: LabelSelector | undefined): readonly string[] | undefined {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.fleet.matching.queryOptions({ selector: selector ?? {}, targetedOnly: true }),
    enabled: selector !== undefined,
    refetchInterval: MATCH_REFRESH_MS,
  });
  return query.data?.deviceIds;
}

function Targeting({ deployment }: { deployment: DeploymentResource }): ReactElement {
  const { targetSelector, targetDevices } = deployment.spec;
  const aggregate = deployment.status?.aggregate;
  return (
    <section aria-label="Targeting" className="grid gap-1 text-sm">
      {targetSelector === undefined ? (
        <p>
          Targets {targetDevices?.length ?? 0} listed{" "}
          {targetDevices?.length === 1 ? "device" : "devices"}.
        </p>
      ) : (
        <p>
          Targets devices matching{" "}
          <code data-testid="target-selector">{formatLabelSelector(targetSelector)}</code>
        </p>
      )}
      {aggregate && (
        <p className="text-slate-600">
          Operator: <span data-testid="matched-devices">{aggregate.matchedDevices}</span> matched ·{" "}
          <span data-testid="conflicted-devices">{aggregate.conflicted}</span> withheld by a
          host-port conflict
        </p>
      )}
    </section>
  );
}

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
  const { deployment, deleted, push } = useLiveDeployment({ namespace, name });
  const { data: fleet } = useSuspenseQuery(trpc.fleet.devices.queryOptions());
  const matched = useSelectorTargets(deployment.spec.targetSelector);
  const now = useNow();
  const devices = useMemo(
    () => new Map(fleet.devices.map((d) => [d.deviceId, d])),
    [fleet.devices],
  );
  const services = servicesOf(deployment.spec.score);
  const heading = (
    <h1 className="text-xl font-semibold">
      {namespace}/{name}
    </h1>
  );

  if (deleted) {
    return (
      <div className="flex flex-col gap-6" data-deployment-state="deleted">
        <div className="flex flex-wrap items-center gap-3">
          {heading}
          <Badge tone="bad">Deleted</Badge>
          {canWrite && <DeleteDeployment namespace={namespace} name={name} disabled />}
        </div>
        <p
          role="alert"
          className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
        >
          <span className="font-semibold">This deployment was deleted.</span> Its devices remove its
          containers; nothing on this page is current any more.{" "}
          <a className="underline" href="/deployments">
            Back to deployments
          </a>
        </p>
        <section className="grid gap-2 text-sm text-slate-500">
          <h2 className="font-semibold">Last seen spec</h2>
          <Services services={services} />
          {canWrite && (
            <SetImageForm
              namespace={namespace}
              name={name}
              image={services[0]?.image ?? ""}
              disabled
            />
          )}
        </section>
      </div>
    );
  }

  const model = deploymentPageModel(deployment, devices, now, fleet.heartbeatPeriodMs, matched);
  const conflict = hostPortConflict(deployment.status?.conditions);
  const { aggregate } = model;
  // Deleted but held by the operator's finalizer until its devices' desired state is gone.
  const deleting = deployment.metadata.deletionTimestamp !== undefined;
  const rollout = { spec: deployment.spec.rollout, status: deployment.status?.rollout };
  return (
    <div className="flex flex-col gap-6" data-deployment-state={deleting ? "deleting" : "present"}>
      <div className="flex flex-wrap items-center gap-3">
        {heading}
        <ConditionBadges conditions={[...model.conditions, ...conflict]} />
        {canWrite && <DeleteDeployment namespace={namespace} name={name} disabled={deleting} />}
      </div>
      {conflict.map((c) => (
        <p key={c.type} role="alert" className="rounded bg-red-50 p-2 text-sm text-red-900">
          Host port conflict: {c.message}
        </p>
      ))}
      <Targeting deployment={deployment} />
      <PushProblem push={push} what="Changes to this deployment" />
      {deleting && (
        <p role="status" className="rounded bg-amber-50 p-2 text-sm text-amber-950">
          Being deleted: the operator is removing it from its devices.
        </p>
      )}
      <section className="grid gap-2 text-sm">
        <Services services={services} />
        {canWrite && (
          <SetImageForm
            namespace={namespace}
            name={name}
            image={services[0]?.image ?? ""}
            disabled={deleting}
          />
        )}
      </section>
      {(rollout.spec !== undefined || rollout.status !== undefined) && (
        <RolloutPanel
          spec={rollout.spec}
          status={rollout.status}
          actions={
            canWrite && (
              <RolloutActions
                namespace={namespace}
                name={name}
                actions={rolloutActions(rollout.spec, rollout.status)}
                disabled={deleting}
              />
            )
          }
        />
      )}
      <section aria-label="Status summary">
        <h2 className="mb-2 font-semibold">Status</h2>
        <PhaseBar counts={aggregate} />
        <p className="mt-1 text-xs text-slate-500">
          From the devices&apos; live heartbeats; a device that has not been heard from for{" "}
          {offlineAfterMs(fleet.heartbeatPeriodMs) / 1000} s counts as unreported.
          {aggregate.lastHeartbeatAt && (
            <>
              {" "}
              Last heard <RelativeTime at={aggregate.lastHeartbeatAt} />.
            </>
          )}
        </p>
        {aggregate.lastError && (
          <p role="note" className="mt-2 rounded bg-red-50 p-2 text-sm text-red-900">
            Last error on {aggregate.lastError.device} <RelativeTime at={aggregate.lastError.at} />:{" "}
            {aggregate.lastError.message}
          </p>
        )}
      </section>
      <section>
        <h2 className="mb-2 font-semibold">Devices</h2>
        <VirtualTable
          label="Phase per device"
          rows={model.targets}
          columns={deviceColumns(model)}
          rowKey={(t) => t.device}
          empty="No target devices."
          maxHeight={400}
        />
      </section>
      <section>
        <h2 className="mb-2 font-semibold">Recent events</h2>
        {aggregate.recentEvents.length === 0 ? (
          <p className="text-sm text-slate-500">No events yet.</p>
        ) : (
          <ol className="flex flex-col gap-1 text-sm">
            {aggregate.recentEvents.map((e, i) => (
              <li key={`${e.at}-${e.device}-${i}`} className="flex items-baseline gap-2">
                <RelativeTime className="w-24 shrink-0 text-slate-500" at={e.at} />
                <Badge tone={severityTone[e.severity]}>{e.severity}</Badge>
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

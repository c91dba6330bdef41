"use client";
// Every Deployment CR, following the cluster by push (a watch streamed over
// server-sent events), with counts and conditions computed from the live
// heartbeats by the same rules as each deployment's own page.
import { PhaseBar, VirtualTable, useNow, type Column } from "@fleet/ui";
import { formatLabelSelector, servicesOf, type DeploymentResource } from "@fleet/contracts";
import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, type ReactElement } from "react";
import { deploymentPageModel, type DeploymentPageModel } from "../../deployments/page-model";
import type { DeviceSummary } from "../../fleet/device-summary";
import { useTRPC } from "../../trpc/react";
import { hostPortConflict } from "../../deployments/live-conditions";
import { ConditionBadges } from "./condition-badges";
import { PushProblem } from "./push-problem";
import { useLiveDeploymentList } from "./use-live-deployments";

interface Row {
  deployment: DeploymentResource;
  model: DeploymentPageModel;
}

const columns: Column<Row>[] = [
  {
    header: "Deployment",
    width: "minmax(10rem,1.2fr)",
    cell: ({ deployment: d }) => (
      <Link
        className="font-medium text-sky-700 hover:underline"
        href={`/deployments/${d.metadata.namespace}/${d.metadata.name}`}
        title={`${d.metadata.namespace}/${d.metadata.name}`}
      >
        {d.metadata.namespace}/{d.metadata.name}
      </Link>
    ),
  },
  {
    header: "Image",
    width: "minmax(10rem,1fr)",
    cell: ({ deployment: d }) => {
      const images = servicesOf(d.spec.score)
        .map((s) => s.image)
        .join(", ");
      return <span title={images}>{images}</span>;
    },
  },
  {
    header: "Devices",
    width: "minmax(4.5rem,0.6fr)",
    cell: ({ deployment: d, model }) => {
      if (d.spec.targetSelector === undefined) return d.spec.targetDevices?.length ?? 0;
      const selector = formatLabelSelector(d.spec.targetSelector);
      // The operator's count of what the selector matches; the bar counts those heard from.
      const matched = d.status?.aggregate?.matchedDevices ?? model.targets.length;
      return (
        <span title={`selector: ${selector}`}>
          {matched} <code className="text-xs text-slate-500">{selector}</code>
        </span>
      );
    },
  },
  {
    header: "Status",
    width: "minmax(14rem,1.5fr)",
    cell: ({ model }) => <PhaseBar counts={model.aggregate} />,
  },
  {
    header: "Conditions",
    width: "minmax(16rem,1fr)",
    cell: ({ deployment: d, model }) => (
      <ConditionBadges
        conditions={[...model.conditions, ...hostPortConflict(d.status?.conditions)]}
      />
    ),
  },
];

export function DeploymentsTableView({
  deployments,
  devices,
  heartbeatPeriodMs,
  now,
  empty,
}: {
  deployments: readonly DeploymentResource[];
  devices: ReadonlyMap<string, DeviceSummary>;
  heartbeatPeriodMs: number;
  now: number;
  empty: ReactElement | string;
}): ReactElement {
  const rows = deployments.map((deployment) => ({
    deployment,
    model: deploymentPageModel(deployment, devices, now, heartbeatPeriodMs),
  }));
  return (
    <VirtualTable
      label="Deployments"
      rows={rows}
      columns={columns}
      rowHeight={56}
      rowKey={({ deployment: d }) => `${d.metadata.namespace}/${d.metadata.name}`}
      empty={empty}
    />
  );
}

export function DeploymentsTable({ canWrite }: { canWrite: boolean }): ReactElement {
  const trpc = useTRPC();
  const { deployments, push } = useLiveDeploymentList();
  const { data: fleet } = useSuspenseQuery(trpc.fleet.devices.queryOptions());
  const devices = useMemo(
    () => new Map(fleet.devices.map((d) => [d.deviceId, d])),
    [fleet.devices],
  );
  const now = useNow();
  return (
    <div className="flex flex-col gap-2">
      <PushProblem push={push} what="Changes to deployments" />
      <DeploymentsTableView
        deployments={deployments}
        devices={devices}
        heartbeatPeriodMs={fleet.heartbeatPeriodMs}
        now={now}
        empty={
          canWrite ? (
            <span>
              No deployments yet.{" "}
              <Link className="underline" href="/deployments/new">
                Create one
              </Link>{" "}
              — or deploy nginx in one click.
            </span>
          ) : (
            "No deployments yet."
          )
        }
      />
    </div>
  );
}

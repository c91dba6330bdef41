"use client";
// Deployment CRs with their aggregate counts and conditions.
import { Badge, PhaseBar, VirtualTable, type Column } from "@fleet/ui";
import type { DeploymentResource } from "@fleet/contracts";
import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactElement } from "react";
import { STATUS_REFRESH_MS } from "../../deployments/status-refresh";
import { useTRPC } from "../../trpc/react";

const zero = { succeeded: 0, failed: 0, pending: 0, unreported: 0 };

export function Conditions({ deployment }: { deployment: DeploymentResource }): ReactElement {
  const conditions = deployment.status?.conditions ?? [];
  if (conditions.length === 0) return <span className="text-slate-400">not reconciled yet</span>;
  return (
    <span className="flex gap-1">
      {conditions.map((c) => (
        <span key={c.type} title={`${c.reason}: ${c.message}`}>
          <Badge
            tone={c.status === "True" ? (c.type === "Degraded" ? "bad" : "good") : "neutral"}
          >{`${c.type}=${c.status}`}</Badge>
        </span>
      ))}
    </span>
  );
}

const columns: Column<DeploymentResource>[] = [
  {
    header: "Deployment",
    width: "minmax(10rem,1fr)",
    cell: (d) => (
      <Link
        className="font-medium text-sky-700 hover:underline"
        href={`/deployments/${d.metadata.namespace}/${d.metadata.name}`}
      >
        {d.metadata.namespace}/{d.metadata.name}
      </Link>
    ),
  },
  {
    header: "Image",
    width: "minmax(10rem,1fr)",
    cell: (d) => d.spec.score.PodmanV0.services.map((s) => s.image).join(", "),
  },
  { header: "Devices", width: "5rem", cell: (d) => d.spec.targetDevices.length },
  {
    header: "Status",
    width: "minmax(14rem,1.5fr)",
    cell: (d) => <PhaseBar counts={d.status?.aggregate ?? zero} />,
  },
  { header: "Conditions", width: "minmax(12rem,1fr)", cell: (d) => <Conditions deployment={d} /> },
];

export function DeploymentsTable({ canWrite }: { canWrite: boolean }): ReactElement {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(
    trpc.deployments.list.queryOptions(undefined, { refetchInterval: STATUS_REFRESH_MS }),
  );
  return (
    <VirtualTable
      label="Deployments"
      rows={data}
      columns={columns}
      rowHeight={56}
      rowKey={(d) => `${d.metadata.namespace}/${d.metadata.name}`}
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
  );
}

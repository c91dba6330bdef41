import Link from "next/link";
import type { ReactElement } from "react";
import { DeploymentsTable } from "../../../components/deployments/deployments-table";
import { requireUser } from "../../../server/auth/require-user";
import { canWrite } from "../../../server/auth/roles";
import { HydrateClient, prefetch, trpc } from "../../../trpc/server";

export default async function DeploymentsPage(): Promise<ReactElement> {
  const user = await requireUser("/deployments");
  await Promise.all([
    prefetch(trpc.deployments.list.queryOptions()),
    prefetch(trpc.fleet.devices.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <div className="mb-4 flex items-center gap-4">
        <h1 className="text-xl font-semibold">Deployments</h1>
        {canWrite(user) && (
          <Link href="/deployments/new" className="rounded bg-sky-700 px-3 py-1 text-sm text-white">
            New deployment
          </Link>
        )}
      </div>
      <DeploymentsTable canWrite={canWrite(user)} />
    </HydrateClient>
  );
}

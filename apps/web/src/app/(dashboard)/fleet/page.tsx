import type { ReactElement } from "react";
import { FleetTable } from "../../../components/fleet/fleet-table";
import { requireUser } from "../../../server/auth/require-user";
import { HydrateClient, prefetch, trpc } from "../../../trpc/server";

export default async function FleetPage(): Promise<ReactElement> {
  await requireUser("/fleet");
  // A screenful and the counts, not the whole fleet: the first view does not grow with it.
  await prefetch(trpc.fleet.overview.queryOptions());
  return (
    <HydrateClient>
      <h1 className="mb-4 text-xl font-semibold">Fleet</h1>
      <FleetTable />
    </HydrateClient>
  );
}

import type { ReactElement } from "react";
import { FleetTable } from "../../../components/fleet/fleet-table";
import { requireUser } from "../../../server/auth/require-user";
import { HydrateClient, prefetch, trpc } from "../../../trpc/server";

export default async function FleetPage(): Promise<ReactElement> {
  await requireUser("/fleet");
  await prefetch(trpc.fleet.devices.queryOptions());
  return (
    <HydrateClient>
      <h1 className="mb-4 text-xl font-semibold">Fleet</h1>
      <FleetTable />
    </HydrateClient>
  );
}

import type { ReactElement } from "react";
import { DevicesSection } from "../../../components/devices/devices-section";
import { requireUser } from "../../../server/auth/require-user";
import { canWrite } from "../../../server/auth/roles";
import { HydrateClient, prefetch, trpc } from "../../../trpc/server";

export default async function DevicesPage(): Promise<ReactElement> {
  const user = await requireUser("/devices");
  await Promise.all([
    prefetch(trpc.devices.list.queryOptions()),
    prefetch(trpc.fleet.devices.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <h1 className="mb-4 text-xl font-semibold">Devices</h1>
      <DevicesSection canWrite={canWrite(user)} />
    </HydrateClient>
  );
}

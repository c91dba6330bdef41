import type { ReactElement } from "react";
import { DeviceDetail } from "../../../../components/fleet/device-detail";
import { requireUser } from "../../../../server/auth/require-user";
import { HydrateClient, prefetch, trpc } from "../../../../trpc/server";

export default async function DevicePage({
  params,
}: {
  params: Promise<{ deviceId: string }>;
}): Promise<ReactElement> {
  const { deviceId } = await params;
  await requireUser(`/fleet/${deviceId}`);
  await prefetch(trpc.fleet.device.queryOptions({ deviceId }));
  return (
    <HydrateClient>
      <DeviceDetail deviceId={deviceId} />
    </HydrateClient>
  );
}

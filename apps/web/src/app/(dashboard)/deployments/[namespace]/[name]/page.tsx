import type { ReactElement } from "react";
import { DeploymentDetail } from "../../../../../components/deployments/deployment-detail";
import { requireUser } from "../../../../../server/auth/require-user";
import { canWrite } from "../../../../../server/auth/roles";
import { HydrateClient, prefetch, trpc } from "../../../../../trpc/server";

export default async function DeploymentPage({
  params,
}: {
  params: Promise<{ namespace: string; name: string }>;
}): Promise<ReactElement> {
  const { namespace, name } = await params;
  const user = await requireUser(`/deployments/${namespace}/${name}`);
  await Promise.all([
    prefetch(trpc.deployments.byName.queryOptions({ namespace, name })),
    prefetch(trpc.fleet.devices.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <DeploymentDetail namespace={namespace} name={name} canWrite={canWrite(user)} />
    </HydrateClient>
  );
}

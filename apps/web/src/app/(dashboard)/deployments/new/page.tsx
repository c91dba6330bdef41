import type { ReactElement } from "react";
import { NewDeployment } from "../../../../components/deployments/new-deployment";
import { requireUser } from "../../../../server/auth/require-user";
import { canWrite } from "../../../../server/auth/roles";
import { HydrateClient, prefetch, trpc } from "../../../../trpc/server";

export default async function NewDeploymentPage(): Promise<ReactElement> {
  const user = await requireUser("/deployments/new");
  if (!canWrite(user)) {
    return (
      <p role="alert" className="text-sm">
        Your role ({user.role}) may view deployments but not create them.
      </p>
    );
  }
  await prefetch(trpc.fleet.devices.queryOptions());
  return (
    <HydrateClient>
      <h1 className="mb-4 text-xl font-semibold">New deployment</h1>
      <NewDeployment />
    </HydrateClient>
  );
}

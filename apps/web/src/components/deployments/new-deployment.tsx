"use client";
// The form wired to tRPC: create as the signed-in user, then open the new deployment.
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { ReactElement } from "react";
import { fieldErrorsFrom, type FieldErrors } from "../../deployments/form-model";
import { isOnline } from "../../fleet/device-summary";
import { useTRPC } from "../../trpc/react";
import { serverErrorsOf } from "../../trpc/server-errors";
import { DeploymentFormView } from "./deployment-form";
import { SelectorPreview } from "./selector-preview";

function serverErrors(error: unknown): FieldErrors | undefined {
  const server = serverErrorsOf(error);
  if (!server) return undefined;
  if (server.fieldErrors)
    return fieldErrorsFrom(
      Object.entries(server.fieldErrors).map(([path, message]) => ({
        path: path.split("."),
        message,
      })),
    );
  return { form: server.message };
}

export function NewDeployment(): ReactElement {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.fleet.devices.queryOptions());
  const now = Date.now();
  const create = useMutation(
    trpc.deployments.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.deployments.list.queryKey() });
        router.push(`/deployments/${created.metadata.namespace}/${created.metadata.name}`);
      },
    }),
  );
  return (
    <DeploymentFormView
      devices={data.devices.map((d) => ({
        deviceId: d.deviceId,
        online: isOnline(d, now, data.heartbeatPeriodMs),
      }))}
      onSubmit={(input) => {
        create.mutate(input);
      }}
      pending={create.isPending}
      serverErrors={serverErrors(create.error)}
      selectorPreview={(selector) => <SelectorPreview selector={selector} />}
    />
  );
}

"use client";
// Delete asks for confirmation first, then goes back to the list.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { ReactElement } from "react";
import { useTRPC } from "../../trpc/react";
import { ConfirmAction } from "../confirm-action";

export function DeleteDeployment({
  namespace,
  name,
  disabled = false,
}: {
  namespace: string;
  name: string;
  disabled?: boolean;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const remove = useMutation(
    trpc.deployments.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.deployments.list.queryKey() });
        router.push("/deployments");
      },
    }),
  );
  return (
    <ConfirmAction
      label="Delete"
      className="rounded border border-red-300 px-3 py-1 text-sm text-red-700 disabled:opacity-50"
      disabled={disabled}
      busy={remove.isPending}
      dialogLabel="Confirm delete"
      confirmLabel="Yes, delete"
      onConfirm={() => {
        remove.mutate({ namespace, name });
      }}
      error={remove.error?.message}
    >
      Delete {namespace}/{name} from every device?
    </ConfirmAction>
  );
}

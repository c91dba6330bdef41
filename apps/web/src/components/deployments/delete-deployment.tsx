"use client";
// Delete asks for confirmation first, then goes back to the list.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type ReactElement } from "react";
import { useTRPC } from "../../trpc/react";

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
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.deployments.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.deployments.list.queryKey() });
        router.push("/deployments");
      },
    }),
  );
  if (!confirming || disabled) {
    return (
      <button
        type="button"
        disabled={disabled}
        className="rounded border border-red-300 px-3 py-1 text-sm text-red-700 disabled:opacity-50"
        onClick={() => {
          setConfirming(true);
        }}
      >
        Delete
      </button>
    );
  }
  return (
    <div
      role="dialog"
      aria-label="Confirm delete"
      className="flex items-center gap-2 rounded border border-red-300 bg-red-50 px-3 py-1 text-sm"
    >
      <span>
        Delete {namespace}/{name} from every device?
      </span>
      <button
        type="button"
        className="rounded bg-red-600 px-2 py-0.5 text-white disabled:opacity-50"
        disabled={remove.isPending}
        onClick={() => {
          remove.mutate({ namespace, name });
        }}
      >
        Yes, delete
      </button>
      <button
        type="button"
        className="underline"
        onClick={() => {
          setConfirming(false);
        }}
      >
        Cancel
      </button>
      {remove.error && (
        <span role="alert" className="text-red-800">
          {remove.error.message}
        </span>
      )}
    </div>
  );
}

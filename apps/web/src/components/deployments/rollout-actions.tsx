"use client";
// What a deployer can do to the rollout now: approve the batch that waits,
// pause or resume, roll back (after a confirmation). Each is a tRPC mutation
// that patches the CR as the signed-in user; the server checks the command
// against the CR again, and a refusal (RBAC, nothing to approve, the rollout
// moved on) is shown under the buttons. The page's watch brings the result.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReactElement } from "react";
import type { DeploymentResource } from "@fleet/contracts";
import type { RolloutActions as Actions } from "../../deployments/rollout-model";
import { useTRPC } from "../../trpc/react";
import { ConfirmAction } from "../confirm-action";

const buttonClass = "rounded border px-3 py-1 text-sm disabled:opacity-50";

export function RolloutActions({
  namespace,
  name,
  actions,
  disabled = false,
}: {
  namespace: string;
  name: string;
  actions: Actions;
  disabled?: boolean;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = (updated: DeploymentResource): void => {
    queryClient.setQueryData(trpc.deployments.byName.queryKey({ namespace, name }), updated);
  };
  const approve = useMutation(trpc.deployments.approveBatch.mutationOptions({ onSuccess }));
  const pause = useMutation(trpc.deployments.pauseRollout.mutationOptions({ onSuccess }));
  const rollback = useMutation(trpc.deployments.rollback.mutationOptions({ onSuccess }));
  const pending = disabled || approve.isPending || pause.isPending || rollback.isPending;
  const { approve: approveAction, rollback: rollbackAction } = actions;
  const errors = [approve.error, pause.error, rollback.error].flatMap((e) =>
    e ? [e.message] : [],
  );
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        {approveAction && (
          <button
            type="button"
            disabled={pending}
            className={`${buttonClass} border-sky-700 bg-sky-700 text-white`}
            onClick={() => {
              approve.mutate({
                namespace,
                name,
                revision: approveAction.revision,
                batch: approveAction.batch,
              });
            }}
          >
            {approveAction.label}
          </button>
        )}
        {(actions.pause || actions.resume) && (
          <button
            type="button"
            disabled={pending}
            className={`${buttonClass} border-slate-400`}
            onClick={() => {
              pause.mutate({ namespace, name, paused: actions.pause });
            }}
          >
            {actions.pause ? "Pause" : "Resume"}
          </button>
        )}
        {rollbackAction && (
          <ConfirmAction
            label="Roll back"
            className={`${buttonClass} border-red-300 text-red-700`}
            disabled={disabled}
            busy={pending}
            dialogLabel="Confirm roll back"
            confirmLabel="Yes, roll back"
            onConfirm={(close) => {
              rollback.mutate(
                { namespace, name, revision: rollbackAction.revision },
                { onSuccess: close },
              );
            }}
          >
            Put every device back on revision {rollbackAction.stableRevision} and stop rolling out
            revision {rollbackAction.revision}?
          </ConfirmAction>
        )}
      </div>
      {errors.map((message) => (
        <p key={message} role="alert" className="rounded bg-red-50 p-2 text-sm text-red-900">
          {message}
        </p>
      ))}
    </div>
  );
}

// A deployer's rollout command checked against the CR as it is now, and turned
// into the contracts' merge patch (an annotation bound to the revision, or
// spec.rollout.paused). A command that no longer fits (the rollout moved on,
// nothing waits for approval, nothing to roll back) is refused with a reason a
// person can act on; nothing is patched then.
import {
  approveBatchPatch,
  describeBatch,
  pausePatch,
  rollbackPatch,
  type DeploymentResource,
  type RolloutStatus,
} from "@fleet/contracts";
import { FINAL_PHASES, rolloutActions } from "./rollout-model";

export type RolloutCommand =
  | { action: "approve"; revision: number; batch: number }
  | { action: "rollback"; revision: number }
  | { action: "pause"; paused: boolean };

export type CommandCheck =
  | { ok: true; patch: Record<string, unknown> }
  | {
      ok: false;
      /** CONFLICT: the page acted on what is no longer there; PRECONDITION_FAILED: nothing to do. */
      code: "CONFLICT" | "PRECONDITION_FAILED";
      message: string;
    };

const refuse = (code: "CONFLICT" | "PRECONDITION_FAILED", message: string): CommandCheck => ({
  ok: false,
  code,
  message,
});

/** "Progressing (batch 1 of 2: 0 of 1 updated)": where the rollout is, in words. */
function where(status: RolloutStatus): string {
  const batch = status.batches[status.currentBatch - 1];
  const detail =
    batch === undefined
      ? ""
      : ` (${describeBatch(status.currentBatch, status.totalBatches, batch)})`;
  return `${status.phase}${detail}`;
}

function checkApprove(
  status: RolloutStatus,
  command: { revision: number; batch: number },
): CommandCheck {
  const approve = rolloutActions(undefined, status).approve;
  if (approve === undefined)
    return refuse(
      "PRECONDITION_FAILED",
      `nothing to approve: the rollout of revision ${status.revision} is ${where(status)}`,
    );
  if (approve.batch !== command.batch)
    return refuse(
      "CONFLICT",
      `batch ${command.batch} is not the one waiting for approval (batch ${approve.batch} is); look again and retry`,
    );
  return { ok: true, patch: approveBatchPatch(status.revision, command.batch) };
}

function checkRollback(status: RolloutStatus): CommandCheck {
  if (FINAL_PHASES.has(status.phase))
    return refuse(
      "PRECONDITION_FAILED",
      `nothing to roll back: the rollout of revision ${status.revision} is ${status.phase}`,
    );
  if (status.stableRevision === undefined || status.stableRevision === status.revision)
    return refuse(
      "PRECONDITION_FAILED",
      `nothing to roll back to: no earlier revision completed before revision ${status.revision}`,
    );
  return { ok: true, patch: rollbackPatch(status.revision) };
}

export function checkRolloutCommand(
  deployment: DeploymentResource,
  command: RolloutCommand,
): CommandCheck {
  const { name, namespace } = deployment.metadata;
  const what = `deployment "${name}" in namespace "${namespace}"`;
  if (deployment.metadata.deletionTimestamp !== undefined)
    return refuse("PRECONDITION_FAILED", `${what} is being deleted`);
  if (command.action === "pause") {
    if (deployment.spec.rollout === undefined)
      return refuse(
        "PRECONDITION_FAILED",
        `${what} has no rollout settings (spec.rollout) to ${command.paused ? "pause" : "resume"}`,
      );
    return { ok: true, patch: pausePatch(command.paused) };
  }
  const status = deployment.status?.rollout;
  if (status === undefined)
    return refuse(
      "PRECONDITION_FAILED",
      `${what} has no rollout yet: the operator has not reported one`,
    );
  if (status.revision !== command.revision)
    return refuse(
      "CONFLICT",
      `the rollout of ${what} moved on to revision ${status.revision} (you acted on revision ${command.revision}); look again and retry`,
    );
  return command.action === "approve" ? checkApprove(status, command) : checkRollback(status);
}

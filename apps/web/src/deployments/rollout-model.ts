// What a deployer may do to a rollout right now, decided from the CR alone
// (spec.rollout and the operator's status.rollout). The page shows only these
// buttons, and the server checks the same rules against the CR it reads before
// it patches, so a stale page is told why instead of acting.
import type { RolloutPhase, RolloutSpec, RolloutStatus } from "@fleet/contracts";

/** Phases after which the revision's rollout has nothing left to do. */
export const FINAL_PHASES: ReadonlySet<RolloutPhase> = new Set(["Completed", "RolledBack"]);

export interface ApproveAction {
  revision: number;
  /** The batch number the approval annotation carries (`<revision>/<batch>`). */
  batch: number;
  /** The button's text. */
  label: string;
}

export interface RolloutActions {
  approve: ApproveAction | undefined;
  /** spec.rollout exists and is not paused. */
  pause: boolean;
  /** spec.rollout.paused is set. */
  resume: boolean;
  /** The revision to roll back, and the stable one devices go back to. */
  rollback: { revision: number; stableRevision: number } | undefined;
}

/**
 * The batch waiting for approval: the first one not started yet (the operator
 * keeps a Pending entry for every batch), else the one after currentBatch.
 */
function awaitedBatch(status: RolloutStatus): number | undefined {
  const pending = status.batches.findIndex((b) => b.state === "Pending");
  const batch = pending >= 0 ? pending + 1 : status.currentBatch + 1;
  return batch <= status.totalBatches ? batch : undefined;
}

function approveAction(status: RolloutStatus): ApproveAction | undefined {
  const { revision } = status;
  if (status.phase === "WaitingForApproval") {
    const batch = awaitedBatch(status);
    return batch === undefined ? undefined : { revision, batch, label: `Approve batch ${batch}` };
  }
  if (status.phase === "Halted") {
    // Approving the batch after the halted one accepts it (the operator's rule,
    // docs/rollouts.md); after the last batch that completes the rollout.
    const halted = status.currentBatch;
    const label =
      halted < status.totalBatches ? `Approve batch ${halted + 1}` : `Accept batch ${halted}`;
    return { revision, batch: halted + 1, label };
  }
  return undefined;
}

export function rolloutActions(
  spec: RolloutSpec | undefined,
  status: RolloutStatus | undefined,
): RolloutActions {
  const rollback =
    status !== undefined &&
    !FINAL_PHASES.has(status.phase) &&
    status.stableRevision !== undefined &&
    status.stableRevision !== status.revision
      ? { revision: status.revision, stableRevision: status.stableRevision }
      : undefined;
  return {
    approve: status === undefined ? undefined : approveAction(status),
    pause: spec !== undefined && !spec.paused,
    resume: spec?.paused === true,
    rollback,
  };
}

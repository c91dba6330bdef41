// What `rollout approve|pause|resume|rollback` write, decided from the CR as
// read: the contracts' merge patches (approveBatchPatch, rollbackPatch,
// pausePatch), bound to the revision status.rollout reports, so a command
// aimed at a revision can never act on a later one. A request that makes no
// sense for the rollout as it stands is refused with the reason and what to
// do instead; nothing is written then. Pure: the CR in, a patch out.
import {
  approveBatchPatch,
  pausePatch,
  rollbackPatch,
  type DeploymentResource,
  type RolloutStatus,
} from "@fleet/contracts";
import { RolloutRefusedError } from "./errors.js";
import { deploymentRef } from "./status-text.js";

export interface RolloutRequest {
  /** The JSON merge patch to send. */
  patch: Record<string, unknown>;
  /** What was asked, for the person: "approved batches up to 3 of revision 4". */
  summary: string;
}

function refuse(resource: DeploymentResource, reason: string): never {
  throw new RolloutRefusedError(`${deploymentRef(resource)}: ${reason}`);
}

function reportedRollout(resource: DeploymentResource, nothing: string): RolloutStatus {
  if (resource.spec.rollout === undefined && resource.status?.rollout === undefined)
    refuse(
      resource,
      `it has no spec.rollout (every device gets a new revision at once): ${nothing}`,
    );
  const rollout = resource.status?.rollout;
  if (rollout === undefined)
    refuse(resource, `the operator has not reported a rollout yet (no status.rollout): ${nothing}`);
  return rollout;
}

/**
 * approve: batches up to `batch` of the reported revision may start. Without
 * --batch: the batch a WaitingForApproval rollout waits for (the one after
 * currentBatch), or for a Halted one the batch after the failed one, which
 * accepts the failure and goes on (after the last batch: completes).
 */
export function approveRequest(resource: DeploymentResource, batch?: number): RolloutRequest {
  const rollout = reportedRollout(resource, "nothing to approve");
  const { revision, phase, totalBatches, currentBatch } = rollout;
  if (phase === "Completed" || phase === "RolledBack")
    refuse(
      resource,
      `revision ${revision} is ${phase}: nothing to approve (a new spec starts a new rollout)`,
    );
  if (batch === undefined && phase !== "WaitingForApproval" && phase !== "Halted")
    refuse(
      resource,
      `nothing awaits approval: revision ${revision} is ${phase} (${rollout.message}); to approve batches ahead, give --batch <n>`,
    );
  const approved = batch ?? currentBatch + 1;
  // Approving past the last batch only means something for a halted last batch: accept it.
  const highest = phase === "Halted" ? totalBatches + 1 : totalBatches;
  if (approved > highest)
    refuse(
      resource,
      `revision ${revision} has ${totalBatches} batch${totalBatches === 1 ? "" : "es"}: there is no batch ${approved} to approve`,
    );
  const accepts = phase === "Halted" && approved > currentBatch;
  const then = approved > totalBatches ? "the rollout completes" : `batch ${approved} may start`;
  return {
    patch: approveBatchPatch(revision, approved),
    summary: accepts
      ? `accepted the halted batch ${currentBatch} of revision ${revision}; ${then}`
      : `approved batches up to ${approved} of revision ${revision}`,
  };
}

/** rollback: every device back on the stable revision; only while the rollout is not done. */
export function rollbackRequest(resource: DeploymentResource): RolloutRequest {
  const rollout = reportedRollout(resource, "nothing to roll back");
  const { revision, phase, stableRevision } = rollout;
  const name = resource.metadata.name;
  if (phase === "Completed")
    refuse(
      resource,
      `revision ${revision} is Completed: it is the stable revision, so there is nothing to roll back. ` +
        `To go back, apply the previous spec again (iot-operator rollout history ${name} lists the revisions and their images)`,
    );
  if (phase === "RolledBack")
    refuse(
      resource,
      `revision ${revision} is already RolledBack (every device is back on revision ${stableRevision ?? "?"})`,
    );
  if (stableRevision === undefined)
    refuse(resource, `revision ${revision} has no stable revision before it to go back to`);
  return {
    patch: rollbackPatch(revision),
    summary: `asked to roll back revision ${revision}; the operator puts every device back on revision ${stableRevision}`,
  };
}

/** pause / resume: spec.rollout.paused; the spec must have a rollout to pause. */
export function pauseRequest(resource: DeploymentResource, paused: boolean): RolloutRequest {
  const verb = paused ? "pause" : "resume";
  if (resource.spec.rollout === undefined)
    refuse(
      resource,
      `it has no spec.rollout (every device gets a new revision at once): nothing to ${verb}; ` +
        `give it one with iot-operator apply --batches ...`,
    );
  const name = resource.metadata.name;
  return {
    patch: pausePatch(paused),
    summary: paused
      ? `rollout paused: no batch starts or is judged until iot-operator rollout resume ${name}`
      : resource.spec.rollout.paused
        ? "rollout resumed: the running batch's clock starts again"
        : "rollout was not paused; it stays running",
  };
}

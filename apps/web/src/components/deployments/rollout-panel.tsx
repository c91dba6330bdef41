"use client";
// The rollout of the deployment's revision, live from the CR (the page's
// watch pushes every status write of the operator): revision and stable
// revision, phase, the operator's message, one row per batch with its counts,
// and why it stopped (the failed devices with their errors). The buttons are
// the deployer's; RolloutActions sends them.
import { Badge, BatchBar, RelativeTime, type Tone } from "@fleet/ui";
import {
  describeBatch,
  formatLabelSelector,
  type BatchState,
  type RolloutBatch,
  type RolloutPhase,
  type RolloutSpec,
  type RolloutStatus,
} from "@fleet/contracts";
import type { ReactElement, ReactNode } from "react";

const phaseTone: Record<RolloutPhase, Tone> = {
  Progressing: "warn",
  WaitingForApproval: "warn",
  Paused: "warn",
  Halted: "bad",
  RolledBack: "bad",
  Completed: "good",
};

const phaseText: Record<RolloutPhase, string> = {
  Progressing: "Progressing",
  WaitingForApproval: "Waiting for approval",
  Paused: "Paused",
  Halted: "Halted",
  RolledBack: "Rolled back",
  Completed: "Completed",
};

const stateTone: Record<BatchState, Tone> = {
  Pending: "neutral",
  InProgress: "warn",
  Succeeded: "good",
  Failed: "bad",
};

const reasonText = {
  BatchFailed: "Batch failed",
  BatchTimedOut: "Batch timed out",
  RollbackRequested: "Rollback requested",
} as const;

function batchSize(batch: RolloutBatch): string {
  const size = batch.count !== undefined ? String(batch.count) : `${batch.percentage ?? 0}%`;
  return batch.selector ? `${size} of ${formatLabelSelector(batch.selector)}` : size;
}

/** "batches 1, 50% · 90% must pass · timeout 30m · approval manual · on failure roll back". */
function settingsText(spec: RolloutSpec): string {
  const parts = [
    `batches ${spec.batches.map(batchSize).join(", ")}`,
    `${spec.successThreshold}% must pass`,
    `timeout ${spec.batchTimeout}`,
    `approval ${spec.approval}`,
    `on failure ${spec.onFailure === "rollback" ? "roll back" : "pause"}`,
  ];
  if (spec.pauseBetweenBatches !== "0s") parts.push(`${spec.pauseBetweenBatches} between batches`);
  if (spec.paused) parts.push("paused by a deployer");
  return parts.join(" · ");
}

function Batches({ status }: { status: RolloutStatus }): ReactElement {
  return (
    <ol className="flex flex-col gap-2" aria-label="Batches">
      {status.batches.map((batch, i) => {
        const index = i + 1;
        return (
          <li
            key={index}
            data-testid="rollout-batch"
            data-batch={index}
            data-state={batch.state}
            className="grid grid-cols-[5rem_7rem_minmax(8rem,1fr)] items-center gap-x-3 gap-y-1 text-sm"
          >
            <span className="font-medium">Batch {index}</span>
            <Badge tone={stateTone[batch.state]}>{batch.state}</Badge>
            <BatchBar counts={batch} active={batch.state === "InProgress"} />
            <span className="col-start-3 text-xs text-slate-600">
              {describeBatch(index, status.totalBatches, batch)}
              {batch.startedAt && (
                <>
                  {" · started "}
                  <RelativeTime at={batch.startedAt} />
                </>
              )}
              {batch.finishedAt && (
                <>
                  {" · finished "}
                  <RelativeTime at={batch.finishedAt} />
                </>
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function Failure({ failure }: { failure: NonNullable<RolloutStatus["failure"]> }): ReactElement {
  return (
    <div role="alert" className="rounded bg-red-50 p-3 text-sm text-red-900">
      <p>
        <span className="font-semibold" data-testid="rollout-failure-reason">
          {reasonText[failure.reason]}
        </span>{" "}
        (batch {failure.batch}, <RelativeTime at={failure.at} />
        ): {failure.message}
      </p>
      {failure.devices.length > 0 && (
        <table className="mt-2 w-full text-left" aria-label="Failed devices">
          <thead>
            <tr>
              <th className="pr-4 font-medium">Device</th>
              <th className="font-medium">Error</th>
            </tr>
          </thead>
          <tbody>
            {failure.devices.map((d) => (
              <tr key={d.device}>
                <td className="pr-4 align-top">
                  <a className="underline" href={`/fleet/${d.device}`}>
                    {d.device}
                  </a>
                </td>
                <td>{d.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function RolloutPanel({
  spec,
  status,
  actions,
}: {
  spec: RolloutSpec | undefined;
  status: RolloutStatus | undefined;
  /** The deployer's buttons; absent for a viewer. */
  actions?: ReactNode;
}): ReactElement {
  return (
    <section aria-label="Rollout" className="flex flex-col gap-3">
      <h2 className="font-semibold">Rollout</h2>
      {status === undefined ? (
        <p className="text-sm text-slate-500">
          The operator has not reported a rollout for this deployment yet.
        </p>
      ) : (
        <>
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <span data-testid="rollout-phase" data-phase={status.phase}>
              <Badge tone={phaseTone[status.phase]}>{phaseText[status.phase]}</Badge>
            </span>
            <span>
              Revision <span data-testid="rollout-revision">{status.revision}</span>
            </span>
            <span className="text-slate-600">
              {status.stableRevision === undefined ? (
                "no stable revision yet"
              ) : (
                <>
                  stable revision{" "}
                  <span data-testid="rollout-stable-revision">{status.stableRevision}</span>
                </>
              )}
            </span>
          </div>
          <p data-testid="rollout-message" className="text-sm">
            {status.message}
          </p>
          {status.nextBatchAt && (
            <p className="text-sm text-slate-600">
              The next batch starts <RelativeTime at={status.nextBatchAt} />.
            </p>
          )}
          <Batches status={status} />
          {status.failure && <Failure failure={status.failure} />}
        </>
      )}
      {spec ? (
        <p className="text-xs text-slate-500" data-testid="rollout-settings">
          Settings: {settingsText(spec)}.
        </p>
      ) : (
        <p className="text-xs text-slate-500">
          No rollout settings: a new revision reaches every device at once.
        </p>
      )}
      {actions}
    </section>
  );
}

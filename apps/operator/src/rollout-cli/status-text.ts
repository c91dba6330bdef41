// What `iot-operator rollout status` prints: the rollout as the operator last
// reported it in status.rollout (revision, stable revision, phase, message, a
// table of batches, the failure with its devices' errors), and the one-line
// form `--watch` prints per change. Pure: the CR in, text out.
import type { DeploymentResource, RolloutPhase, RolloutStatus } from "@fleet/contracts";
import { plainTable } from "../cli/table.js";

/** Phases a watch stops at: done (Completed, RolledBack), or stuck until a person acts (Halted). */
export const SETTLED_PHASES: ReadonlySet<RolloutPhase> = new Set([
  "Completed",
  "RolledBack",
  "Halted",
]);

/** Phases a script should treat as a failed rollout (non-zero exit). */
export const FAILED_PHASES: ReadonlySet<RolloutPhase> = new Set(["RolledBack", "Halted"]);

const BATCH_HEAD = ["BATCH", "STATE", "DEVICES", "UPDATED", "FAILED", "DEFERRED", "STARTED"];

export function deploymentRef(resource: DeploymentResource): string {
  return `deployment ${resource.metadata.namespace}/${resource.metadata.name}`;
}

/** Set when the operator has not yet reported on the CR's current generation (its status is older). */
export function lagNote(resource: DeploymentResource): string | undefined {
  const generation = resource.metadata.generation;
  const observed = resource.status?.observedGeneration;
  if (generation === undefined || observed === generation) return undefined;
  return observed === undefined
    ? `the operator has not reported on generation ${generation} yet`
    : `the operator has reported on generation ${observed}, not yet on ${generation}`;
}

/** The rollout's phase is settled for the spec as it is now (not a report on an older generation). */
export function isSettled(resource: DeploymentResource): boolean {
  const rollout = resource.status?.rollout;
  return (
    rollout !== undefined && SETTLED_PHASES.has(rollout.phase) && lagNote(resource) === undefined
  );
}

function revisionText(rollout: RolloutStatus): string {
  return rollout.stableRevision === undefined
    ? `${rollout.revision} (no stable revision yet)`
    : `${rollout.revision} (stable: ${rollout.stableRevision})`;
}

function failureText(rollout: RolloutStatus): string {
  const failure = rollout.failure;
  if (failure === undefined) return "";
  const head = `failure:    ${failure.reason} in batch ${failure.batch} at ${failure.at}: ${failure.message}\n`;
  if (failure.devices.length === 0) return head;
  return `${head}\n${plainTable(
    ["DEVICE", "ERROR"],
    failure.devices.map((device) => [device.device, device.message]),
  )}`;
}

/** The whole report, ending in a newline. */
export function rolloutStatusText(resource: DeploymentResource): string {
  const lines = [deploymentRef(resource)];
  const lag = lagNote(resource);
  const rollout = resource.status?.rollout;
  if (rollout === undefined) {
    lines.push(
      `no rollout reported yet${lag === undefined ? "" : ` (${lag})`}: the operator writes status.rollout once it has placed the spec`,
    );
    return `${lines.join("\n")}\n`;
  }
  lines.push(`revision:   ${revisionText(rollout)}`);
  lines.push(`phase:      ${rollout.phase}`);
  lines.push(`message:    ${rollout.message}`);
  if (rollout.nextBatchAt !== undefined) lines.push(`next batch: ${rollout.nextBatchAt}`);
  if (resource.spec.rollout?.paused === true && rollout.phase !== "Paused")
    lines.push("paused:     yes (spec.rollout.paused; the operator has not reported it yet)");
  if (lag !== undefined) lines.push(`note:       ${lag}`);
  const batches = rollout.batches.map((batch, index) => [
    `${index + 1}/${rollout.totalBatches}`,
    batch.state,
    String(batch.devices),
    String(batch.updated),
    String(batch.failed),
    String(batch.deferred),
    batch.startedAt ?? "-",
  ]);
  const table = batches.length === 0 ? "" : `\n${plainTable(BATCH_HEAD, batches)}`;
  const failure = failureText(rollout);
  return `${lines.join("\n")}\n${table}${failure === "" ? "" : `\n${failure}`}`;
}

/** One line per observed change, for `--watch`: "revision 3 Progressing: batch 2 of 4: ...". */
export function rolloutLine(resource: DeploymentResource): string {
  const rollout = resource.status?.rollout;
  const lag = lagNote(resource);
  const suffix = lag === undefined ? "" : ` (${lag})`;
  if (rollout === undefined) return `no rollout reported yet${suffix}`;
  return `revision ${rollout.revision} ${rollout.phase}: ${rollout.message}${suffix}`;
}

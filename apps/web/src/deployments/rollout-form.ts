// The new-deployment form's rollout settings: batches written as "1,25%,50%"
// (a count or a percentage each), approval, success threshold, batch timeout
// and what a failed batch does. Turned into spec.rollout here; the contracts'
// rolloutSpecSchema judges the result, and each issue lands on its field.
import { ROLLOUT_DEFAULTS, type RolloutBatch, type RolloutSpecInput } from "@fleet/contracts";

export interface RolloutFormValues {
  /** Off: no spec.rollout (every device gets a new revision at once). */
  enabled: boolean;
  /** "1,25%,50%": devices left over after the last form a final batch. */
  batches: string;
  approval: "auto" | "manual";
  successThreshold: string;
  batchTimeout: string;
  onFailure: "pause" | "rollback";
}

export type RolloutField =
  | "rolloutBatches"
  | "rolloutApproval"
  | "rolloutSuccessThreshold"
  | "rolloutBatchTimeout"
  | "rolloutOnFailure";

export const initialRolloutValues = (): RolloutFormValues => ({
  enabled: false,
  batches: "",
  approval: ROLLOUT_DEFAULTS.approval,
  successThreshold: String(ROLLOUT_DEFAULTS.successThreshold),
  batchTimeout: ROLLOUT_DEFAULTS.batchTimeout,
  onFailure: ROLLOUT_DEFAULTS.onFailure,
});

const BATCHES_EXAMPLE = "write them as 1,25%,50%";

export type BatchesReading = { ok: true; batches: RolloutBatch[] } | { ok: false; error: string };

/** "1, 25%,50%" -> [{count: 1}, {percentage: 25}, {percentage: 50}]; the schema checks the ranges. */
export function parseBatches(text: string): BatchesReading {
  if (text.trim() === "")
    return { ok: false, error: `must list at least one batch; ${BATCHES_EXAMPLE}` };
  const batches: RolloutBatch[] = [];
  for (const [index, raw] of text.split(",").entries()) {
    const item = raw.trim();
    const match = /^(\d{1,9})(%?)$/.exec(item);
    if (match === null)
      return {
        ok: false,
        error: `batch ${index + 1} ("${item}") is not a count or a percentage; ${BATCHES_EXAMPLE}`,
      };
    const amount = Number(match[1]);
    batches.push(match[2] === "%" ? { percentage: amount } : { count: amount });
  }
  return { ok: true, batches };
}

export interface RolloutReading {
  /** spec.rollout to send; undefined when rollouts are off or the batches did not parse. */
  rollout: RolloutSpecInput | undefined;
  /** Problems found before the schema sees the values. */
  errors: Partial<Record<RolloutField, string>>;
}

export function readRollout(values: RolloutFormValues): RolloutReading {
  if (!values.enabled) return { rollout: undefined, errors: {} };
  const errors: Partial<Record<RolloutField, string>> = {};
  const batches = parseBatches(values.batches);
  if (!batches.ok) errors.rolloutBatches = batches.error;
  const thresholdText = values.successThreshold.trim();
  const threshold = /^\d{1,3}$/.test(thresholdText) ? Number(thresholdText) : undefined;
  if (thresholdText !== "" && threshold === undefined)
    errors.rolloutSuccessThreshold = "must be a whole number from 0 to 100";
  const timeout = values.batchTimeout.trim();
  return {
    rollout: batches.ok
      ? {
          batches: batches.batches,
          approval: values.approval,
          onFailure: values.onFailure,
          ...(threshold !== undefined && { successThreshold: threshold }),
          ...(timeout !== "" && { batchTimeout: timeout }),
        }
      : undefined,
    errors,
  };
}

const FIELD_OF_KEY: Record<string, RolloutField> = {
  batches: "rolloutBatches",
  approval: "rolloutApproval",
  successThreshold: "rolloutSuccessThreshold",
  batchTimeout: "rolloutBatchTimeout",
  onFailure: "rolloutOnFailure",
};

/**
 * The field of an issue under spec.rollout ("spec.rollout.batches.1.percentage"),
 * with a batch's number put in front of its message; undefined for other paths.
 */
export function rolloutIssue(
  path: readonly PropertyKey[],
  message: string,
): { field: RolloutField; message: string } | undefined {
  const at = path.indexOf("rollout");
  if (at < 0) return undefined;
  const key = path[at + 1];
  const field = typeof key === "string" ? FIELD_OF_KEY[key] : undefined;
  if (field === undefined) return { field: "rolloutBatches", message };
  const index = path[at + 2];
  const numbered = field === "rolloutBatches" && typeof index === "number";
  // Path segments arrive as text from the server ("spec.rollout.batches.1.count").
  const fromText = field === "rolloutBatches" && typeof index === "string" && /^\d+$/.test(index);
  if (numbered || fromText) return { field, message: `batch ${Number(index) + 1}: ${message}` };
  return { field, message };
}

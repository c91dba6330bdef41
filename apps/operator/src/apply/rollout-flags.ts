// The applier's rollout flags (--batches "1,25%,50%", --success-threshold,
// --max-unavailable, --batch-timeout, --pause-between-batches, --approval,
// --on-failure) turned into spec.rollout. Only the text forms are read here
// (a count or a percentage, a whole number); every range and every duration
// is checked by the contracts' schema when the manifest is built, and its
// issues are reported against these flags (ROLLOUT_FLAG_OF_FIELD).
import type { Quantity, RolloutSpecInput } from "@fleet/contracts";
import { ConfigError } from "@fleet/runtime";

export interface RolloutFlags {
  /** Comma-separated sizes in order, each a count or a percentage: "1,25%,50%". */
  batches?: string;
  successThreshold?: string;
  maxUnavailable?: string;
  batchTimeout?: string;
  pauseBetweenBatches?: string;
  approval?: string;
  onFailure?: string;
}

/** Each spec.rollout field and the flag that fills it. */
export const ROLLOUT_FLAG_OF_FIELD: readonly (readonly [field: string, flag: string])[] = [
  ["spec.rollout.batches", "batches"],
  ["spec.rollout.successThreshold", "success-threshold"],
  ["spec.rollout.maxUnavailable", "max-unavailable"],
  ["spec.rollout.batchTimeout", "batch-timeout"],
  ["spec.rollout.pauseBetweenBatches", "pause-between-batches"],
  ["spec.rollout.approval", "approval"],
  ["spec.rollout.onFailure", "on-failure"],
];

const QUANTITY = /^(\d{1,9})(%?)$/;
const WHOLE_PERCENT = /^(\d{1,9})%?$/;

function flagError(flag: string, value: string, reason: string): ConfigError {
  return new ConfigError([{ setting: flag, source: { kind: "flag", flag }, value, reason }]);
}

/** "5" is a count of devices, "25%" a percentage of the pool; ranges are the schema's to check. */
export function parseQuantity(text: string, flag: string): Quantity {
  const match = QUANTITY.exec(text.trim());
  if (match === null)
    throw flagError(flag, text, "expected a count (e.g. 5) or a percentage (e.g. 25%)");
  const amount = Number(match[1]);
  return match[2] === "%" ? { percentage: amount } : { count: amount };
}

/** "1,25%,50%" → three batches; the devices left over form a final batch (the operator adds it). */
export function parseBatches(text: string): Quantity[] {
  const items = text.split(",").map((item) => item.trim());
  const empty = items.findIndex((item) => item === "");
  if (empty !== -1)
    throw flagError(
      "batches",
      text,
      `batch ${empty + 1} is empty; list sizes separated by commas, e.g. 1,25%,50%`,
    );
  return items.map((item) => {
    try {
      return parseQuantity(item, "batches");
    } catch {
      throw flagError(
        "batches",
        text,
        `"${item}" is neither a count (e.g. 5) nor a percentage (e.g. 25%)`,
      );
    }
  });
}

function parseThreshold(text: string): number {
  const match = WHOLE_PERCENT.exec(text.trim());
  if (match === null)
    throw flagError("success-threshold", text, "expected a whole percentage 0 to 100, e.g. 90");
  return Number(match[1]);
}

const ROLLOUT_FLAGS = [
  "batches",
  "successThreshold",
  "maxUnavailable",
  "batchTimeout",
  "pauseBetweenBatches",
  "approval",
  "onFailure",
] as const satisfies readonly (keyof RolloutFlags)[];

/**
 * spec.rollout from the flags, or undefined when none was given (every
 * device then gets a new revision at once). `paused` is never set here: it
 * belongs to `iot-operator rollout pause|resume`, so applying again does not
 * resume a paused rollout.
 */
export function rolloutFromFlags(flags: RolloutFlags): RolloutSpecInput | undefined {
  if (ROLLOUT_FLAGS.every((key) => flags[key] === undefined)) return undefined;
  if (flags.batches === undefined)
    throw new ConfigError([
      {
        setting: "batches",
        source: undefined,
        reason:
          '--batches is required with the other rollout flags: list the batch sizes, e.g. --batches "1,25%,50%"',
      },
    ]);
  const rollout: RolloutSpecInput = { batches: parseBatches(flags.batches) };
  if (flags.successThreshold !== undefined)
    rollout.successThreshold = parseThreshold(flags.successThreshold);
  if (flags.maxUnavailable !== undefined)
    rollout.maxUnavailable = parseQuantity(flags.maxUnavailable, "max-unavailable");
  if (flags.batchTimeout !== undefined) rollout.batchTimeout = flags.batchTimeout;
  if (flags.pauseBetweenBatches !== undefined)
    rollout.pauseBetweenBatches = flags.pauseBetweenBatches;
  // Left as text for the schema's enum, whose message lists the allowed values.
  if (flags.approval !== undefined) rollout.approval = flags.approval as "auto" | "manual";
  if (flags.onFailure !== undefined) rollout.onFailure = flags.onFailure as "pause" | "rollback";
  return rollout;
}

// Staged rollouts: how a Deployment's new revision reaches its devices batch by
// batch (spec.rollout), what the operator reports while it does (status.rollout),
// and the one-shot commands a deployer gives it (annotations). The model itself
// is explained in docs/rollouts.md; ADR 0010 records why it is shaped this way.
import { z } from "zod";
import { deviceIdSchema } from "./kubernetes-names.js";
import { durationTextSchema } from "./duration.js";
import { labelSelectorSchema } from "./label-selector.js";
import { ROLLOUT_BATCHES_MAX_ITEMS, ROLLOUT_FAILURES_LIMIT } from "./limits.js";
import { clippedText } from "./clip.js";
import { scoreSchema } from "./score.js";
import { timestampSchema } from "./timestamp.js";

const ONE_SIZE_MESSAGE = "exactly one of count and percentage must be set";

/** A number of devices, as a count or as a percentage of a pool (rounded up, at least 1). */
const sizeFields = {
  count: z.int().min(1, "must be at least 1").max(1_000_000).optional(),
  percentage: z.int().min(1, "must be 1 to 100").max(100, "must be 1 to 100").optional(),
};

function exactlyOneSize(
  size: { count?: number | undefined; percentage?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((size.count === undefined) === (size.percentage === undefined))
    ctx.addIssue({ code: "custom", path: ["count"], message: ONE_SIZE_MESSAGE });
}

const ONE_SIZE_RULE = {
  "x-kubernetes-validations": [
    { rule: "has(self.count) != has(self.percentage)", message: ONE_SIZE_MESSAGE },
  ],
};

export const rolloutBatchSchema = z
  .object({
    ...sizeFields,
    /**
     * Takes its devices only among those matching (and not in an earlier
     * batch); a percentage is then of the matching devices.
     */
    selector: labelSelectorSchema.optional(),
  })
  .superRefine(exactlyOneSize)
  .meta(ONE_SIZE_RULE);

export const quantitySchema = z.object(sizeFields).superRefine(exactlyOneSize).meta(ONE_SIZE_RULE);

export const ROLLOUT_DEFAULTS = {
  successThreshold: 90,
  batchTimeout: "30m",
  pauseBetweenBatches: "0s",
  approval: "auto",
  onFailure: "rollback",
  paused: false,
} as const;

export const rolloutSpecSchema = z.object({
  /**
   * In order. Devices left over after the last one form a final batch of
   * their own, so the batches always cover the whole target.
   */
  batches: z
    .array(rolloutBatchSchema)
    .min(1, "must list at least one batch")
    .max(ROLLOUT_BATCHES_MAX_ITEMS, `must list at most ${ROLLOUT_BATCHES_MAX_ITEMS} batches`),
  /** Percentage of a batch's reachable devices that must run the new revision for it to pass. */
  successThreshold: z
    .int()
    .min(0, "must be 0 to 100")
    .max(100, "must be 0 to 100")
    .default(ROLLOUT_DEFAULTS.successThreshold),
  /** Most devices of a batch updating at once (given the new revision, not yet running it). */
  maxUnavailable: quantitySchema.optional(),
  /** How long a batch's reachable devices have to run the new revision; the rest then count as failed. */
  batchTimeout: durationTextSchema.default(ROLLOUT_DEFAULTS.batchTimeout),
  /** Wait after a batch passes before the next starts. */
  pauseBetweenBatches: durationTextSchema.default(ROLLOUT_DEFAULTS.pauseBetweenBatches),
  /** manual: every batch after the first waits for a deployer's approval. */
  approval: z.enum(["auto", "manual"]).default(ROLLOUT_DEFAULTS.approval),
  /** What a failed batch does: stop where it is, or put updated devices back on the stable revision. */
  onFailure: z.enum(["pause", "rollback"]).default(ROLLOUT_DEFAULTS.onFailure),
  /** Set by a deployer (`iot-operator rollout pause`): no batch starts or advances while true. */
  paused: z.boolean().default(ROLLOUT_DEFAULTS.paused),
});

export type RolloutBatch = z.output<typeof rolloutBatchSchema>;
export type RolloutSpec = z.output<typeof rolloutSpecSchema>;
export type RolloutSpecInput = z.input<typeof rolloutSpecSchema>;
export type Quantity = z.output<typeof quantitySchema>;

/** A size against a pool: a percentage rounds up, and a non-empty pool gives at least 1. */
export function resolveQuantity(quantity: Quantity, pool: number): number {
  if (quantity.count !== undefined) return Math.min(quantity.count, pool);
  const share = Math.ceil(((quantity.percentage ?? 100) * pool) / 100);
  return Math.min(pool, Math.max(pool > 0 ? 1 : 0, share));
}

// --- status.rollout ---

export const ROLLOUT_PHASES = [
  /** A batch is updating, or waiting out pauseBetweenBatches. */
  "Progressing",
  /** The next batch waits for a deployer's approval. */
  "WaitingForApproval",
  /** A deployer paused it (spec.rollout.paused). */
  "Paused",
  /** A batch failed and onFailure is pause: nothing moves until a deployer acts. */
  "Halted",
  /** A batch failed (or a deployer rolled back): every device runs the stable revision again. */
  "RolledBack",
  /** Every targeted device was given the revision; it is now the stable one. */
  "Completed",
] as const;
export const rolloutPhaseSchema = z.enum(ROLLOUT_PHASES);
export type RolloutPhase = z.output<typeof rolloutPhaseSchema>;

export const BATCH_STATES = ["Pending", "InProgress", "Succeeded", "Failed"] as const;
export const batchStateSchema = z.enum(BATCH_STATES);
export type BatchState = z.output<typeof batchStateSchema>;

const count = (): z.ZodDefault<z.ZodInt> => z.int().min(0, "must be a count (>= 0)").default(0);

/** One batch's devices, counted (never listed: a batch may hold thousands). */
export const batchStatusSchema = z.object({
  state: batchStateSchema,
  /** Devices in the batch. */
  devices: count(),
  /** Reachable and running the new revision. */
  updated: count(),
  /** Reachable and failed on the new revision (or still not running it at the timeout). */
  failed: count(),
  /** Unreported when the batch started or since: judged without them; they catch up on return. */
  deferred: count(),
  startedAt: timestampSchema.optional(),
  finishedAt: timestampSchema.optional(),
});

export const rolloutFailureSchema = z.object({
  /** Why the rollout stopped: BatchFailed, BatchTimedOut or RollbackRequested. */
  reason: z.enum(["BatchFailed", "BatchTimedOut", "RollbackRequested"]),
  /** 1-based. */
  batch: z.int().min(1),
  message: clippedText(),
  /** The failed devices with their errors, newest first; at most ROLLOUT_FAILURES_LIMIT. */
  devices: z
    .array(z.object({ device: deviceIdSchema, message: clippedText(256) }))
    .max(ROLLOUT_FAILURES_LIMIT)
    .default([]),
  at: timestampSchema,
});

export const rolloutStatusSchema = z.object({
  /** The revision the spec asks for (its score's revision). */
  revision: z.int().min(1),
  /** The last revision every targeted device was given; absent before the first completes. */
  stableRevision: z.int().min(1).optional(),
  phase: rolloutPhaseSchema,
  /** 1-based index of the batch in progress (or the last one, once done). */
  currentBatch: z.int().min(1),
  /** Batches in all, the final left-over batch included. */
  totalBatches: z.int().min(1),
  batches: z
    .array(batchStatusSchema)
    .max(ROLLOUT_BATCHES_MAX_ITEMS + 1)
    .default([]),
  /** When the next batch may start (pauseBetweenBatches), while one is awaited. */
  nextBatchAt: timestampSchema.optional(),
  /** What a person reads: "batch 2 of 4: 40 of 50 updated, 2 failed, 8 offline (deferred)". */
  message: clippedText(),
  failure: rolloutFailureSchema.optional(),
});

export type BatchStatus = z.output<typeof batchStatusSchema>;
export type RolloutFailure = z.output<typeof rolloutFailureSchema>;
export type RolloutStatus = z.output<typeof rolloutStatusSchema>;

/** "batch 2 of 4: 40 of 50 updated, 2 failed, 8 offline (deferred)": one wording everywhere. */
export function describeBatch(index: number, total: number, batch: BatchStatus): string {
  const parts = [`${batch.updated} of ${batch.devices} updated`];
  if (batch.failed > 0) parts.push(`${batch.failed} failed`);
  if (batch.deferred > 0) parts.push(`${batch.deferred} offline (deferred)`);
  return `batch ${index} of ${total}: ${parts.join(", ")}`;
}

// --- Commands (annotations): one-shot, bound to a revision so a stale one cannot act on a later revision ---

/** `<revision>/<batch>`: batches up to and including <batch> (1-based) of <revision> may start. */
export const ROLLOUT_APPROVE_ANNOTATION = "rollout.iot.nationtech.io/approved";
/** `<revision>`: put every device back on the stable revision and stop rolling <revision> out. */
export const ROLLOUT_ROLLBACK_ANNOTATION = "rollout.iot.nationtech.io/rollback";

export interface RolloutCommands {
  /** Highest batch approved for `revision`. */
  approved: { revision: number; batch: number } | undefined;
  /** Revision a deployer asked to roll back. */
  rollback: number | undefined;
}

const positiveInt = (text: string | undefined): number | undefined =>
  text !== undefined && /^[1-9][0-9]{0,8}$/.test(text) ? Number(text) : undefined;

/** Reads the commands from a CR's annotations; malformed values are ignored (and named by `problems`). */
export function rolloutCommandsOf(annotations: Readonly<Record<string, string>> | undefined): {
  commands: RolloutCommands;
  problems: string[];
} {
  const problems: string[] = [];
  const approveText = annotations?.[ROLLOUT_APPROVE_ANNOTATION];
  let approved: RolloutCommands["approved"];
  if (approveText !== undefined) {
    const parts = approveText.split("/");
    const r = parts.length === 2 ? positiveInt(parts[0]) : undefined;
    const b = parts.length === 2 ? positiveInt(parts[1]) : undefined;
    if (r === undefined || b === undefined)
      problems.push(`${ROLLOUT_APPROVE_ANNOTATION}: "${approveText}" is not <revision>/<batch>`);
    else approved = { revision: r, batch: b };
  }
  const rollbackText = annotations?.[ROLLOUT_ROLLBACK_ANNOTATION];
  const rollback = positiveInt(rollbackText);
  if (rollbackText !== undefined && rollback === undefined)
    problems.push(`${ROLLOUT_ROLLBACK_ANNOTATION}: "${rollbackText}" is not a revision number`);
  return { commands: { approved, rollback }, problems };
}

/** The metadata patch that approves batches up to `batch` of `revision`. */
export function approveBatchPatch(revision: number, batch: number): Record<string, unknown> {
  return { metadata: { annotations: { [ROLLOUT_APPROVE_ANNOTATION]: `${revision}/${batch}` } } };
}

/** The metadata patch that asks for `revision` to be rolled back. */
export function rollbackPatch(revision: number): Record<string, unknown> {
  return { metadata: { annotations: { [ROLLOUT_ROLLBACK_ANNOTATION]: String(revision) } } };
}

/** The spec patch that pauses or resumes a rollout. */
export function pausePatch(paused: boolean): Record<string, unknown> {
  return { spec: { rollout: { paused } } };
}

// --- Revisions: each distinct score is a numbered revision, kept as a ControllerRevision ---

/** Label on a revision naming its Deployment (list a Deployment's revisions by it). */
export const REVISION_DEPLOYMENT_LABEL = "iot.nationtech.io/deployment";
/** Label on a revision holding its score's hash (the revision's identity). */
export const REVISION_HASH_LABEL = "iot.nationtech.io/revision-hash";
/** Revisions kept per Deployment (the newest; the stable and target ones are never removed). */
export const REVISION_HISTORY_LIMIT = 10;

/** A ControllerRevision's `data`: the score the revision stands for, and the generation that made it. */
export const revisionDataSchema = z.object({
  score: scoreSchema,
  generation: z.int().min(0),
});
export type RevisionData = z.output<typeof revisionDataSchema>;

/** The Degraded condition's reason when a batch failed or a deployer rolled back. */
export const REASON_ROLLOUT_FAILED = "RolloutFailed";

// How often each CR's status may be patched: a token bucket per CR that
// refills at one patch per period and holds PATCH_BURST. A change of substance
// (a count, an error, a condition) needs one token, so it goes out at once
// unless the CR was just patched twice; a routine change (only the newest
// heartbeat time or events moved) needs a full bucket, so it never uses the
// token kept for the next change of substance, and waits at least a routine
// period (the heartbeat period in the operator) after the CR's last patch: a
// busy device's heartbeats cost its CRs a patch per heartbeat period, not per
// second. Over any stretch of time a CR gets at most one patch per period plus
// the burst.

/** Patches a CR may make back to back after a quiet spell. */
export const PATCH_BURST = 2;

interface Bucket {
  tokens: number;
  /** When `tokens` was counted (ms). */
  atMs: number;
}

export class PatchBudget {
  readonly #periodMs: number;
  readonly #routinePeriodMs: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(periodMs: number, routinePeriodMs: number = periodMs) {
    this.#periodMs = periodMs;
    this.#routinePeriodMs = Math.max(periodMs, routinePeriodMs);
  }

  #tokens(key: string, nowMs: number): number {
    const bucket = this.#buckets.get(key);
    if (bucket === undefined) return PATCH_BURST;
    return Math.min(PATCH_BURST, bucket.tokens + (nowMs - bucket.atMs) / this.#periodMs);
  }

  /** When `key` may be patched for a change of this kind (ms; ≤ nowMs: now). */
  dueAt(key: string, substantive: boolean, nowMs: number): number {
    const needed = substantive ? 1 : PATCH_BURST;
    const missing = needed - this.#tokens(key, nowMs);
    // The epsilon absorbs float error when a timer fires exactly at the due time.
    const budgeted = missing <= 1e-9 ? nowMs : nowMs + Math.ceil(missing * this.#periodMs);
    if (substantive) return budgeted;
    const lastPatchMs = this.#buckets.get(key)?.atMs ?? Number.NEGATIVE_INFINITY;
    return Math.max(budgeted, lastPatchMs + this.#routinePeriodMs);
  }

  /** A patch of `key` was sent. */
  spend(key: string, nowMs: number): void {
    this.#buckets.set(key, { tokens: Math.max(0, this.#tokens(key, nowMs) - 1), atMs: nowMs });
  }

  forget(key: string): void {
    this.#buckets.delete(key);
  }
}

// The proof the rollout benchmark gives, kept from a watch of the desired-state
// KV: every put and delete of one Deployment's entries, per device, in the
// order the bucket delivered them. A device has one key per Deployment, so at
// any instant it holds exactly one revision; what could go wrong is the
// sequence: a device given revision 2 and then 1 again (back and forth), the
// same revision written twice, an entry removed mid-rollout, or a device that
// never got the new revision. Fleet-wide, at most two revisions may be live at
// once, and while batch k runs only batches 1..k may hold the new revision
// (checked against the rollout status as the CR watch shows it).

export interface TrailSummary {
  devices: number;
  /** Devices whose sequence is exactly `expected` (e.g. [1, 2]). */
  asExpected: number;
  /** Devices given an older revision after a newer one. */
  wentBack: number;
  /** Devices written the same revision twice in a row (a rewrite). */
  rewritten: number;
  /** Devices whose entry was deleted at some point. */
  deleted: number;
  /** Devices whose sequence is none of the above but still not `expected` (e.g. never given 2). */
  otherwise: number;
  /** Up to five devices that are not as expected, with their sequences. */
  examples: string[];
  /** The most distinct revisions held across the fleet at one moment. */
  maxLiveRevisions: number;
}

/** One device's history: revision numbers, 0 for a delete. */
type Sequence = number[];

export class RevisionTrail {
  readonly #sequences = new Map<string, Sequence>();
  /** Devices holding each revision now. */
  readonly #holders = new Map<number, number>();
  #maxLive = 0;

  /** A put of `revision` to `device`'s entry, or its removal (undefined). */
  record(device: string, revision: number | undefined): void {
    const sequence = this.#sequences.get(device) ?? [];
    const held = this.held(device);
    if (held !== undefined) this.#change(held, -1);
    if (revision !== undefined) this.#change(revision, 1);
    sequence.push(revision ?? 0);
    this.#sequences.set(device, sequence);
    this.#maxLive = Math.max(this.#maxLive, this.#holders.size);
  }

  /** The revision `device` holds now; undefined before its first put or after a delete. */
  held(device: string): number | undefined {
    const last = this.#sequences.get(device)?.at(-1);
    return last === undefined || last === 0 ? undefined : last;
  }

  /** How many devices hold `revision` now. */
  holders(revision: number): number {
    return this.#holders.get(revision) ?? 0;
  }

  /** Puts and deletes recorded so far. */
  writes(): number {
    let total = 0;
    for (const sequence of this.#sequences.values()) total += sequence.length;
    return total;
  }

  #change(revision: number, by: number): void {
    const next = (this.#holders.get(revision) ?? 0) + by;
    if (next === 0) this.#holders.delete(revision);
    else this.#holders.set(revision, next);
  }

  /** Checks every device of `devices` against `expected` (each device's whole sequence). */
  summarize(devices: readonly string[], expected: readonly number[]): TrailSummary {
    const summary: TrailSummary = {
      devices: devices.length,
      asExpected: 0,
      wentBack: 0,
      rewritten: 0,
      deleted: 0,
      otherwise: 0,
      examples: [],
      maxLiveRevisions: this.#maxLive,
    };
    for (const device of devices) {
      const sequence = this.#sequences.get(device) ?? [];
      if (sequence.length === expected.length && sequence.every((r, i) => r === expected[i])) {
        summary.asExpected += 1;
        continue;
      }
      if (summary.examples.length < 5) summary.examples.push(`${device}: [${sequence.join(", ")}]`);
      const pairs = sequence.slice(1).map((r, i) => [sequence[i] ?? 0, r] as const);
      if (sequence.includes(0)) summary.deleted += 1;
      else if (pairs.some(([before, after]) => after < before)) summary.wentBack += 1;
      else if (pairs.some(([before, after]) => after === before)) summary.rewritten += 1;
      else summary.otherwise += 1;
    }
    return summary;
  }
}

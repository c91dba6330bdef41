// A placement for unit tests of the status side: each CR's placed devices set
// by hand (the real one, targeting/placement.ts, has its own tests).
import type { AggregateTarget } from "@fleet/contracts";
import type { PlacementView } from "../status/deployment-registry.js";
import type { ConflictSummary } from "../targeting/placement.js";

export class FixedPlacement implements PlacementView {
  readonly #targets = new Map<string, readonly AggregateTarget[]>();
  readonly #conflicts = new Map<string, ConflictSummary>();

  set(key: string, targets: readonly AggregateTarget[], conflict?: ConflictSummary): this {
    this.#targets.set(key, targets);
    if (conflict !== undefined) this.#conflicts.set(key, conflict);
    return this;
  }

  deploymentsOn(device: string): readonly string[] {
    return [...this.#targets]
      .filter(([, targets]) => targets.some((target) => target.device === device))
      .map(([key]) => key);
  }

  targetsOf(key: string): readonly AggregateTarget[] {
    return this.#targets.get(key) ?? [];
  }

  conflictOf(key: string): ConflictSummary {
    return this.#conflicts.get(key) ?? { withheld: 0, example: undefined, blocking: [] };
  }
}

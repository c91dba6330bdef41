// The CRs whose status the operator aggregates. Which devices each one covers
// is not stored here but read from the placement (targeting/placement.ts), so
// the device -> CRs index a heartbeat uses always follows placement, and a CR
// placed on 50,000 devices is held once, as a set of ids.
import type { AggregateTarget, Condition } from "@fleet/contracts";
import type { ConflictSummary } from "../targeting/placement.js";
import type { SpecProblem } from "./conditions.js";

/** What the status side reads of the placement. */
export interface PlacementView {
  /** CRs placed on the device. */
  deploymentsOn(device: string): readonly string[];
  /** The CR's placed devices with its desired-state key on each (built on each read). */
  targetsOf(key: string): readonly AggregateTarget[];
  conflictOf(key: string): ConflictSummary;
}

export interface TrackedInput {
  /** `<namespace>/<name>`. */
  key: string;
  namespace: string;
  name: string;
  generation: number;
  specProblem: SpecProblem | undefined;
}

export interface TrackedDeployment extends TrackedInput {
  /** Placed devices, read from the placement; undefined while the spec cannot be used. */
  readonly targets: readonly AggregateTarget[] | undefined;
  /** Host-port clashes, read from the placement. */
  readonly conflict: ConflictSummary | undefined;
  /** Conditions as last written (or read from the CR), for lastTransitionTime. */
  previousConditions: readonly Condition[];
  /** Canonical JSON of the status as last written or read: a patch is skipped if equal. */
  lastStatusJson: string | undefined;
}

class Tracked implements TrackedDeployment {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  generation: number;
  specProblem: SpecProblem | undefined;
  previousConditions: readonly Condition[];
  lastStatusJson: string | undefined;
  readonly #placement: PlacementView;

  constructor(
    input: TrackedInput,
    previous: { conditions: readonly Condition[]; statusJson: string | undefined },
    placement: PlacementView,
  ) {
    this.key = input.key;
    this.namespace = input.namespace;
    this.name = input.name;
    this.generation = input.generation;
    this.specProblem = input.specProblem;
    this.previousConditions = previous.conditions;
    this.lastStatusJson = previous.statusJson;
    this.#placement = placement;
  }

  get targets(): readonly AggregateTarget[] | undefined {
    return this.specProblem === undefined ? this.#placement.targetsOf(this.key) : undefined;
  }

  get conflict(): ConflictSummary | undefined {
    return this.specProblem === undefined ? this.#placement.conflictOf(this.key) : undefined;
  }
}

export class DeploymentRegistry {
  readonly #byKey = new Map<string, Tracked>();
  readonly #placement: PlacementView;

  constructor(placement: PlacementView) {
    this.#placement = placement;
  }

  get size(): number {
    return this.#byKey.size;
  }

  get(key: string): TrackedDeployment | undefined {
    return this.#byKey.get(key);
  }

  keys(): IterableIterator<string> {
    return this.#byKey.keys();
  }

  /** Tracked CRs placed on `device`. */
  deploymentsOf(device: string): readonly string[] {
    return this.#placement.deploymentsOn(device).filter((key) => this.#byKey.has(key));
  }

  /** Inserts or replaces; keeps the last written status so an unchanged one is not re-patched. */
  upsert(
    next: TrackedInput,
    fromServer: { conditions: readonly Condition[]; statusJson: string | undefined },
  ): void {
    const current = this.#byKey.get(next.key);
    if (current !== undefined) {
      current.generation = next.generation;
      current.specProblem = next.specProblem;
      return;
    }
    this.#byKey.set(
      next.key,
      new Tracked(
        next,
        { conditions: fromServer.conditions, statusJson: fromServer.statusJson },
        this.#placement,
      ),
    );
  }

  /** Records what was written, for the next change check. */
  written(key: string, conditions: readonly Condition[], statusJson: string): void {
    const tracked = this.#byKey.get(key);
    if (tracked === undefined) return;
    tracked.previousConditions = conditions;
    tracked.lastStatusJson = statusJson;
  }

  remove(key: string): void {
    this.#byKey.delete(key);
  }
}

// The CRs whose status the operator aggregates, indexed device -> CRs that
// target it, so one heartbeat marks only the CRs it can change.
import type { AggregateTarget, Condition } from "@fleet/contracts";
import type { SpecProblem } from "./conditions.js";

export interface TrackedDeployment {
  /** `<namespace>/<name>`. */
  key: string;
  namespace: string;
  name: string;
  generation: number;
  targets: readonly AggregateTarget[] | undefined;
  specProblem: SpecProblem | undefined;
  /** Conditions as last written (or read from the CR), for lastTransitionTime. */
  previousConditions: readonly Condition[];
  /** Canonical JSON of the status as last written or read: a patch is skipped if equal. */
  lastStatusJson: string | undefined;
}

export class DeploymentRegistry {
  readonly #byKey = new Map<string, TrackedDeployment>();
  readonly #byDevice = new Map<string, Set<string>>();

  get size(): number {
    return this.#byKey.size;
  }

  get(key: string): TrackedDeployment | undefined {
    return this.#byKey.get(key);
  }

  keys(): IterableIterator<string> {
    return this.#byKey.keys();
  }

  /** CRs that target `device`. */
  deploymentsOf(device: string): ReadonlySet<string> {
    return this.#byDevice.get(device) ?? new Set();
  }

  /** Inserts or replaces; keeps the last written status so an unchanged one is not re-patched. */
  upsert(
    next: Omit<TrackedDeployment, "previousConditions" | "lastStatusJson">,
    fromServer: { conditions: readonly Condition[]; statusJson: string | undefined },
  ): void {
    const current = this.#byKey.get(next.key);
    this.#unindex(current);
    const tracked: TrackedDeployment = {
      ...next,
      previousConditions: current?.previousConditions ?? fromServer.conditions,
      lastStatusJson: current?.lastStatusJson ?? fromServer.statusJson,
    };
    this.#byKey.set(next.key, tracked);
    for (const { device } of tracked.targets ?? []) {
      let set = this.#byDevice.get(device);
      if (set === undefined) this.#byDevice.set(device, (set = new Set()));
      set.add(next.key);
    }
  }

  /** Records what was written, for the next change check. */
  written(key: string, conditions: readonly Condition[], statusJson: string): void {
    const tracked = this.#byKey.get(key);
    if (tracked === undefined) return;
    tracked.previousConditions = conditions;
    tracked.lastStatusJson = statusJson;
  }

  remove(key: string): void {
    this.#unindex(this.#byKey.get(key));
    this.#byKey.delete(key);
  }

  #unindex(tracked: TrackedDeployment | undefined): void {
    for (const { device } of tracked?.targets ?? []) {
      const set = this.#byDevice.get(device);
      set?.delete(tracked?.key ?? "");
      if (set?.size === 0) this.#byDevice.delete(device);
    }
  }
}

// Reconciles one Deployment CR, level-triggered from the watch cache:
// deleting -> remove its KV entries and its revisions, then release the finalizer;
// invalid  -> Degraded condition, nothing else touched;
// valid    -> place it (targeting/placement.ts), finalizer, its revision
//             (rollout/revision-store.ts), the rollout decision (which
//             revision each device holds now, rollout/plan.ts), then KV
//             entries (only changed bytes); status is written last, by the
//             flusher, except a rollout transition, which is recorded in the
//             CR's status BEFORE any device is written what it decided.
// A spec change, a command (annotation) or a resync evaluates the whole CR; so
// does every run while its rollout is under way (heartbeats and timers queue
// it). A Device change of a settled CR only writes the devices it flipped.
// All KV writes of a CR happen here, one run at a time.
import {
  canonicalJson,
  deploymentResourceSchema,
  deploymentStatusSchema,
  FINALIZER,
  formatIssues,
  hostPortsOf,
  ROLLOUT_APPROVE_ANNOTATION,
  ROLLOUT_ROLLBACK_ANNOTATION,
  targetingOf,
  type Condition,
  type DeploymentResource,
} from "@fleet/contracts";
import type { DeploymentApi, RawDeployment } from "../kube/deployment-api.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type {
  DeploymentRef,
  DesiredEntry,
  DesiredStateWriter,
  SyncResult,
} from "../nats/desired-state-writer.js";
import type { RevisionStore } from "../rollout/revision-store.js";
import type { RolloutController } from "../rollout/rollout-controller.js";
import type { SpecProblem } from "../status/conditions.js";
import type { DeploymentRegistry } from "../status/deployment-registry.js";
import type { DeploymentTargets, Placement, PlacementChanges } from "../targeting/placement.js";

export interface ReconcilerDeps {
  /** The watch cache: the latest version of every CR, by `<namespace>/<name>`. */
  cache: ReadonlyMap<string, RawDeployment>;
  api: DeploymentApi;
  writer: DesiredStateWriter;
  revisions: RevisionStore;
  rollouts: RolloutController;
  /** Patches the CR's status now (the flusher's writeNow): the write-ahead of a rollout transition. */
  writeStatusNow: (key: string) => Promise<void>;
  registry: DeploymentRegistry;
  placement: Placement;
  /** What placing or removing this CR changed for other CRs (their devices, their status). */
  placementChanged: (changes: PlacementChanges) => void;
  /** Asks the status flusher to recompute this CR. */
  statusDirty: (key: string) => void;
  log: Logger;
  metrics: Metrics;
}

export type ReconcileResult = "synced" | "placed" | "unchanged" | "deleted" | "invalid";

/** Why a spec cannot be used: an unknown score kind gets its own reason. */
function specProblem(raw: RawDeployment): SpecProblem | undefined {
  const parsed = deploymentResourceSchema.safeParse(raw);
  if (parsed.success) return undefined;
  const unknownKind = parsed.error.issues.some(
    (issue) => issue.code === "unrecognized_keys" && issue.path.join(".") === "spec.score",
  );
  return {
    reason: unknownKind ? "UnsupportedScoreKind" : "InvalidSpec",
    message: `spec cannot be applied by this operator: ${formatIssues(parsed.error)}`,
  };
}

function createdAtMs(cr: DeploymentResource): number {
  const at = cr.metadata.creationTimestamp;
  const ms = at instanceof Date ? at.getTime() : Date.parse(at ?? "");
  // Unknown age (never from a real API server): treated as newest.
  return Number.isNaN(ms) ? Number.MAX_SAFE_INTEGER : ms;
}

/** What placement needs of a CR. */
export function deploymentTargets(key: string, cr: DeploymentResource): DeploymentTargets {
  return {
    key,
    createdAtMs: createdAtMs(cr),
    targeting: targetingOf(cr.spec),
    hostPorts: hostPortsOf(cr.spec.score),
  };
}

/** The rollout commands on the CR, as text: a change of them re-evaluates it. */
function commandsText(raw: RawDeployment): string {
  const annotations = raw.metadata?.annotations;
  return `${annotations?.[ROLLOUT_APPROVE_ANNOTATION] ?? ""}|${annotations?.[ROLLOUT_ROLLBACK_ANNOTATION] ?? ""}`;
}

/** The CR's current status as the API server has it, normalized for comparison. */
function serverStatus(raw: RawDeployment): {
  conditions: Condition[];
  statusJson: string | undefined;
} {
  const parsed = deploymentStatusSchema.safeParse(raw.status);
  if (!parsed.success) return { conditions: [], statusJson: undefined };
  return { conditions: parsed.data.conditions, statusJson: canonicalJson(parsed.data) };
}

export class Reconciler {
  readonly #deps: ReconcilerDeps;
  /** `<uid>/<generation>/<commands>` fully evaluated and written: skip until it changes. */
  readonly #synced = new Map<string, string>();
  /** Devices whose placement flipped since the CR's last run. */
  readonly #pending = new Map<string, Set<string>>();

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
  }

  /** Queues devices whose placement of this CR flipped; the caller then queues the CR. */
  devicesFlipped(key: string, devices: Iterable<string>): void {
    let pending = this.#pending.get(key);
    if (pending === undefined) this.#pending.set(key, (pending = new Set()));
    for (const device of devices) pending.add(device);
  }

  async reconcile(key: string, force: boolean): Promise<ReconcileResult> {
    const { cache, api, registry, log } = this.#deps;
    const [namespace = "", name = ""] = key.split("/");
    const raw = cache.get(key);

    if (raw === undefined) {
      // Gone without our finalizer (e.g. removed by hand): still clean up the KV.
      // Its entries go before a CR it withheld is placed on those devices.
      const removed = await this.#removeEverything(namespace, name);
      this.#forget(key);
      if (removed.entries + removed.revisions > 0)
        log.info(
          { namespace, name, ...removed },
          "reconcile: removed what a vanished deployment left",
        );
      return "deleted";
    }

    if (raw.metadata?.deletionTimestamp !== undefined) {
      if (!(raw.metadata.finalizers ?? []).includes(FINALIZER)) {
        this.#forget(key);
        return "deleted";
      }
      log.info({ namespace, name, phase: "deleting" }, "reconcile");
      const removed = await this.#removeEverything(namespace, name);
      this.#forget(key);
      await api.removeFinalizer(namespace, name, raw);
      log.info(
        { namespace, name, removed: removed.entries, revisions: removed.revisions },
        "desired state and revisions removed; finalizer released",
      );
      return "deleted";
    }

    const generation = raw.metadata?.generation ?? 0;
    const problem = specProblem(raw);
    if (problem !== undefined) {
      log.warn(
        { namespace, name, generation, reason: problem.reason, err: problem.message },
        "reconcile: spec rejected",
      );
      // Placement, revisions and KV stay as they were: nothing already running is lost.
      registry.upsert(
        { key, namespace, name, generation, specProblem: problem },
        serverStatus(raw),
      );
      this.#synced.delete(key);
      this.#deps.statusDirty(key);
      await this.#ensureFinalizer(namespace, name, raw);
      return "invalid";
    }

    const uid = raw.metadata?.uid ?? "";
    const marker = `${uid}/${generation}/${commandsText(raw)}`;
    const changed = this.#synced.get(key) !== marker || registry.get(key) === undefined;
    const wanted = this.#deps.rollouts.takeWanted(key);
    if (!changed && !force && !wanted) {
      // Its own status patches bump the resourceVersion every second: nothing to decide.
      if (!this.#pending.has(key)) return "unchanged";
      // A Device change: a settled CR writes only the devices it flipped.
      const settled = this.#settledEntry(key, namespace, name);
      if (settled !== undefined) return this.#writeFlipped(key, { namespace, name, uid }, settled);
    }
    const cr = deploymentResourceSchema.parse(raw);
    return this.#evaluate(key, cr, raw, changed || force, force).catch((error: unknown) => {
      this.#synced.delete(key); // the retry evaluates again, whatever asked for this run
      throw error;
    });
  }

  /**
   * The whole CR: placement, revision, rollout decision (recorded first when
   * it is a transition), then every device whose entry must change.
   */
  async #evaluate(
    key: string,
    cr: DeploymentResource,
    raw: RawDeployment,
    changed: boolean,
    force: boolean,
  ): Promise<ReconcileResult> {
    const { writer, registry, placement, revisions, rollouts, log } = this.#deps;
    const { namespace, name, uid = "", generation = 0 } = cr.metadata;
    const marker = `${uid}/${generation}/${commandsText(raw)}`;
    registry.upsert(
      { key, namespace, name, generation, specProblem: undefined },
      serverStatus(raw),
    );
    const changes = placement.setDeployment(deploymentTargets(key, cr));
    changes.flipped.delete(key); // this run writes all of its own devices
    this.#deps.placementChanged(changes);
    const placed = placement.placedOf(key);
    // Every run while a rollout moves (heartbeats, timers) is not news for the log.
    if (changed) log.info({ namespace, name, generation, devices: placed.size }, "reconcile");
    else log.debug({ namespace, name, generation, devices: placed.size }, "reconcile");
    await this.#ensureFinalizer(namespace, name, raw);

    const previous = rollouts.previous(
      key,
      uid,
      (raw.status as { rollout?: unknown } | undefined)?.rollout,
    );
    if (force) revisions.invalidate(namespace, name);
    // The stable revision (a revert to it completes at once) and the current
    // target keep their numbers; an older score coming back gets a new one.
    const keep = [previous?.stableRevision, previous?.revision].filter((n) => n !== undefined);
    const resolved = await revisions.resolve(
      { namespace, name, uid, generation, score: cr.spec.score },
      keep,
    );
    const ref: DeploymentRef = { namespace, name, uid };
    // The bucket is read only when this CR's entries are not known (start,
    // NATS back, periodic resync); otherwise what was written is remembered.
    if (force || !writer.knows(namespace, name, uid))
      await writer.refresh(
        ref,
        [...resolved.byNumber.values()].map((r) => r.entry),
      );
    this.#pending.delete(key);

    const decision = rollouts.evaluate({
      key,
      namespace,
      name,
      uid,
      spec: cr.spec.rollout,
      target: { revision: resolved.target.number, hash: resolved.target.hash },
      devices: [...placed],
      held: (device) => writer.held(namespace, name, device),
      annotations: raw.metadata?.annotations,
      previous,
    });
    const undo = rollouts.record(key, uid, decision);
    if (decision.transition) {
      // Write-ahead: after a restart the operator reads this back, so no device
      // ever holds what a decision the CR does not record gave it.
      try {
        await this.#deps.writeStatusNow(key);
      } catch (error) {
        undo();
        throw error;
      }
      rollouts.transitioned(key, decision.status);
    }
    this.#deps.statusDirty(key);

    const entries = new Map<string, DesiredEntry | undefined>();
    let unknown = 0;
    for (const device of new Set([...placed, ...writer.devicesWithEntries(namespace, name)])) {
      const revision = placement.isPlaced(key, device) ? decision.assignment(device) : undefined;
      if (revision === undefined) {
        entries.set(device, undefined);
        continue;
      }
      const entry = resolved.byNumber.get(revision)?.entry;
      // A revision the store does not hold: keep what the device has rather than remove it.
      if (entry === undefined) unknown++;
      else entries.set(device, entry);
    }
    if (unknown > 0)
      log.warn(
        { namespace, name, devices: unknown },
        "rollout assigned a revision that is not stored; those devices keep their entries",
      );
    const result = await writer.apply(ref, entries.keys(), (device) => entries.get(device));
    this.#synced.set(key, marker);
    this.#logResult(ref, decision.status.revision, result, "desired state written");
    return "synced";
  }

  /** A settled CR's one entry (Completed: the target; RolledBack: the stable one), if known. */
  #settledEntry(key: string, namespace: string, name: string): DesiredEntry | undefined {
    const revision = this.#deps.rollouts.settledRevision(key);
    if (revision === undefined) return undefined;
    return this.#deps.revisions.known(namespace, name)?.get(revision)?.entry;
  }

  /**
   * A Device change of a settled CR (nothing else changed): only the devices
   * it flipped are written, with the one revision all hold.
   */
  async #writeFlipped(
    key: string,
    ref: DeploymentRef,
    entry: DesiredEntry,
  ): Promise<ReconcileResult> {
    const devices = this.#pending.get(key);
    if (devices === undefined) return "unchanged";
    this.#pending.delete(key);
    const { placement, writer } = this.#deps;
    const result = await writer
      .apply(ref, devices, (device) => (placement.isPlaced(key, device) ? entry : undefined))
      .catch((error: unknown) => {
        this.devicesFlipped(key, devices); // retried with the next run
        throw error;
      });
    this.#deps.statusDirty(key);
    this.#logResult(ref, entry.revision, result, "desired state of re-placed devices written");
    return "placed";
  }

  /** Deletes KV entries and revisions of CRs that no longer exist (e.g. finalizer removed by hand). */
  async collectOrphans(namespace: string | undefined): Promise<number> {
    // The live cache, not a snapshot: a CR created meanwhile is in it before it is reconciled.
    const revisions = await this.#deps.revisions.removeOrphans(namespace, (key) =>
      this.#deps.cache.has(key),
    );
    if (revisions > 0)
      this.#deps.log.info({ revisions }, "removed revisions of deployments that no longer exist");
    let removed = 0;
    for (const [key, entries] of await this.#deps.writer.allDeployments()) {
      // The live cache, not a snapshot: a CR created meanwhile is in it before it is reconciled.
      if (this.#deps.cache.has(key)) continue;
      if (namespace !== undefined && !key.startsWith(`${namespace}/`)) continue;
      removed += await this.#deps.writer.removeKeys(entries);
      this.#deps.log.info(
        { deployment: key, removed: entries.length },
        "removed desired state of a deployment that no longer exists",
      );
    }
    return removed;
  }

  async #removeEverything(
    namespace: string,
    name: string,
  ): Promise<{ entries: number; revisions: number }> {
    const entries = await this.#deps.writer.removeAll(namespace, name);
    const revisions = await this.#deps.revisions.removeAll(namespace, name);
    return { entries, revisions };
  }

  #logResult(ref: DeploymentRef, revision: number, result: SyncResult, message: string): void {
    if (result.written === 0 && result.removed === 0) return;
    const { namespace, name } = ref;
    this.#deps.log.info({ namespace, name, revision, ...result }, message);
  }

  async #ensureFinalizer(namespace: string, name: string, raw: RawDeployment): Promise<void> {
    if ((raw.metadata?.finalizers ?? []).includes(FINALIZER)) return;
    await this.#deps.api.addFinalizer(namespace, name, raw);
  }

  /** Drops the CR from placement (others it withheld may move in), status and rollouts. */
  #forget(key: string): void {
    const [namespace = "", name = ""] = key.split("/");
    this.#synced.delete(key);
    this.#pending.delete(key);
    this.#deps.registry.remove(key);
    this.#deps.rollouts.forget(key);
    this.#deps.revisions.forget(namespace, name);
    this.#deps.placementChanged(this.#deps.placement.removeDeployment(key));
  }
}

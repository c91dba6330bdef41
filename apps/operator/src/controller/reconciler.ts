// Reconciles one Deployment CR, level-triggered from the watch cache:
// deleting -> remove its KV entries, then release the finalizer;
// invalid  -> Degraded condition, nothing else touched;
// valid    -> place it (targeting/placement.ts), finalizer, KV entries (only
//             changed bytes), then hand the CR to the status aggregator
//             (status is written last, by the flusher).
// A spec change (or a resync) syncs every device of the CR; a Device change
// only queues the devices it flipped (devicesFlipped), and the next run writes
// just those keys. All KV writes of a CR happen here, one run at a time.
import {
  canonicalJson,
  deploymentResourceSchema,
  deploymentStatusSchema,
  encodeDesiredState,
  FINALIZER,
  formatIssues,
  hostPortsOf,
  targetingOf,
  type Condition,
  type DeploymentResource,
} from "@fleet/contracts";
import type { DeploymentApi, RawDeployment } from "../kube/deployment-api.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { DesiredEntry, DesiredStateWriter, SyncResult } from "../nats/desired-state-writer.js";
import type { SpecProblem } from "../status/conditions.js";
import type { DeploymentRegistry } from "../status/deployment-registry.js";
import type { DeploymentTargets, Placement, PlacementChanges } from "../targeting/placement.js";

export interface ReconcilerDeps {
  /** The watch cache: the latest version of every CR, by `<namespace>/<name>`. */
  cache: ReadonlyMap<string, RawDeployment>;
  api: DeploymentApi;
  writer: DesiredStateWriter;
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

function desiredEntry(cr: DeploymentResource): DesiredEntry {
  const { namespace, name, uid = "", generation = 0 } = cr.metadata;
  const payload = encodeDesiredState({
    schemaVersion: 1,
    deployment: { namespace, name, uid, generation },
    score: cr.spec.score,
  });
  return { namespace, name, uid, generation, payload };
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
  /** `<uid>/<generation>` whose KV entries are known written: skip until it changes. */
  readonly #synced = new Map<string, string>();
  /** The entry written for each synced CR (its bytes, for device-driven writes). */
  readonly #entries = new Map<string, DesiredEntry>();
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
    const { cache, api, writer, registry, placement, log } = this.#deps;
    const [namespace = "", name = ""] = key.split("/");
    const raw = cache.get(key);

    if (raw === undefined) {
      // Gone without our finalizer (e.g. removed by hand): still clean up the KV.
      // Its entries go before a CR it withheld is placed on those devices.
      const removed = await writer.removeAll(namespace, name);
      this.#forget(key);
      if (removed > 0)
        log.info(
          { namespace, name, removed },
          "reconcile: removed entries of a vanished deployment",
        );
      return "deleted";
    }

    if (raw.metadata?.deletionTimestamp !== undefined) {
      if (!(raw.metadata.finalizers ?? []).includes(FINALIZER)) {
        this.#forget(key);
        return "deleted";
      }
      log.info({ namespace, name, phase: "deleting" }, "reconcile");
      const removed = await writer.removeAll(namespace, name);
      this.#forget(key);
      await api.removeFinalizer(namespace, name, raw);
      log.info({ namespace, name, removed }, "desired state removed; finalizer released");
      return "deleted";
    }

    const generation = raw.metadata?.generation ?? 0;
    const problem = specProblem(raw);
    if (problem !== undefined) {
      log.warn(
        { namespace, name, generation, reason: problem.reason, err: problem.message },
        "reconcile: spec rejected",
      );
      // Placement and KV stay as they were: nothing already running is lost.
      registry.upsert(
        { key, namespace, name, generation, specProblem: problem },
        serverStatus(raw),
      );
      this.#synced.delete(key);
      this.#deps.statusDirty(key);
      await this.#ensureFinalizer(namespace, name, raw);
      return "invalid";
    }

    const marker = `${raw.metadata?.uid ?? ""}/${generation}`;
    const entry = this.#entries.get(key);
    const unchanged =
      this.#synced.get(key) === marker && entry !== undefined && registry.get(key) !== undefined;
    if (unchanged && !force) {
      // Status patches bump the resourceVersion every second without changing
      // the spec: only the devices a Device change flipped are written.
      const devices = this.#pending.get(key);
      if (devices === undefined) return "unchanged";
      this.#pending.delete(key);
      const result = await this.#apply(entry, devices).catch((error: unknown) => {
        this.devicesFlipped(key, devices); // retried with the next run
        throw error;
      });
      this.#deps.statusDirty(key);
      this.#logResult(entry, result, "desired state of re-placed devices written");
      return "placed";
    }

    const cr = deploymentResourceSchema.parse(raw);
    registry.upsert(
      { key, namespace, name, generation, specProblem: undefined },
      serverStatus(raw),
    );
    const changes = placement.setDeployment(deploymentTargets(key, cr));
    changes.flipped.delete(key); // this run writes all of its own devices
    this.#deps.placementChanged(changes);

    log.info({ namespace, name, generation, devices: placement.placedOf(key).size }, "reconcile");
    await this.#ensureFinalizer(namespace, name, raw);
    const next = desiredEntry(cr);
    // The bucket is read only when this CR's entries are not known (start,
    // NATS back, periodic resync); otherwise what was written is remembered.
    if (force || !writer.knows(namespace, name, next.uid)) await writer.refresh(next);
    this.#pending.delete(key);
    const devices = new Set(placement.placedOf(key));
    for (const device of writer.devicesWithEntries(namespace, name)) devices.add(device);
    const result = await this.#apply(next, devices);
    this.#entries.set(key, next);
    this.#synced.set(key, marker);
    this.#deps.statusDirty(key);
    this.#logResult(next, result, "desired state written");
    return "synced";
  }

  /** Deletes KV entries of CRs that no longer exist (e.g. finalizer removed by hand). */
  async collectOrphans(namespace: string | undefined): Promise<number> {
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

  #apply(entry: DesiredEntry, devices: Iterable<string>): Promise<SyncResult> {
    const key = `${entry.namespace}/${entry.name}`;
    return this.#deps.writer.apply(entry, devices, (device) =>
      this.#deps.placement.isPlaced(key, device),
    );
  }

  #logResult(entry: DesiredEntry, result: SyncResult, message: string): void {
    if (result.written === 0 && result.removed === 0) return;
    const { namespace, name, generation } = entry;
    this.#deps.log.info({ namespace, name, generation, ...result }, message);
  }

  async #ensureFinalizer(namespace: string, name: string, raw: RawDeployment): Promise<void> {
    if ((raw.metadata?.finalizers ?? []).includes(FINALIZER)) return;
    await this.#deps.api.addFinalizer(namespace, name, raw);
  }

  /** Drops the CR from placement (others it withheld may move in) and from status. */
  #forget(key: string): void {
    this.#synced.delete(key);
    this.#entries.delete(key);
    this.#pending.delete(key);
    this.#deps.registry.remove(key);
    this.#deps.placementChanged(this.#deps.placement.removeDeployment(key));
  }
}

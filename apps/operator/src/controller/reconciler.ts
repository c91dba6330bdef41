// Reconciles one Deployment CR, level-triggered from the watch cache:
// deleting -> remove its KV entries, then release the finalizer;
// invalid  -> Degraded condition, nothing else touched;
// valid    -> finalizer, KV entries (only changed bytes), then hand the CR to
//             the status aggregator (status is written last, by the flusher).
import {
  canonicalJson,
  deploymentResourceSchema,
  deploymentStatusSchema,
  desiredStateKey,
  FINALIZER,
  formatIssues,
  type Condition,
} from "@fleet/contracts";
import type { DeploymentApi, RawDeployment } from "../kube/deployment-api.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { DesiredStateWriter } from "../nats/desired-state-writer.js";
import type { SpecProblem } from "../status/conditions.js";
import type { DeploymentRegistry } from "../status/deployment-registry.js";

export interface ReconcilerDeps {
  /** The watch cache: the latest version of every CR, by `<namespace>/<name>`. */
  cache: ReadonlyMap<string, RawDeployment>;
  api: DeploymentApi;
  writer: DesiredStateWriter;
  registry: DeploymentRegistry;
  /** Asks the status flusher to recompute this CR. */
  statusDirty: (key: string) => void;
  log: Logger;
  metrics: Metrics;
}

export type ReconcileResult = "synced" | "unchanged" | "deleted" | "invalid";

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

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcile(key: string, force: boolean): Promise<ReconcileResult> {
    const { cache, api, writer, registry, log } = this.#deps;
    const [namespace = "", name = ""] = key.split("/");
    const raw = cache.get(key);

    if (raw === undefined) {
      // Gone without our finalizer (e.g. removed by hand): still clean up the KV.
      const removed = await writer.removeAll(namespace, name);
      if (removed > 0)
        log.info(
          { namespace, name, removed },
          "reconcile: removed entries of a vanished deployment",
        );
      this.#forget(key);
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
      registry.upsert(
        { key, namespace, name, generation, targets: undefined, specProblem: problem },
        serverStatus(raw),
      );
      this.#synced.delete(key);
      this.#deps.statusDirty(key);
      await this.#ensureFinalizer(namespace, name, raw);
      return "invalid";
    }

    const cr = deploymentResourceSchema.parse(raw);
    const marker = `${cr.metadata.uid ?? ""}/${generation}`;
    const unchanged = this.#synced.get(key) === marker && registry.get(key) !== undefined;
    // Status patches bump the resourceVersion every second without changing the
    // spec: skip rebuilding the per-device keys (10 000 of them at fleet scale).
    if (unchanged && !force) return "unchanged";
    const targets = cr.spec.targetDevices.map((device) => ({
      device,
      key: desiredStateKey({ device, namespace, name }),
    }));
    registry.upsert(
      { key, namespace, name, generation, targets, specProblem: undefined },
      serverStatus(raw),
    );

    log.info({ namespace, name, generation, devices: targets.length }, "reconcile");
    await this.#ensureFinalizer(namespace, name, raw);
    const result = await writer.sync(cr);
    this.#synced.set(key, marker);
    this.#deps.statusDirty(key);
    if (result.written > 0 || result.removed > 0) {
      log.info({ namespace, name, generation, ...result }, "desired state written");
    }
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

  async #ensureFinalizer(namespace: string, name: string, raw: RawDeployment): Promise<void> {
    if ((raw.metadata?.finalizers ?? []).includes(FINALIZER)) return;
    await this.#deps.api.addFinalizer(namespace, name, raw);
  }

  #forget(key: string): void {
    this.#synced.delete(key);
    this.#deps.registry.remove(key);
  }
}

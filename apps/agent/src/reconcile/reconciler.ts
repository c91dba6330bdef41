// Makes podman match one desired-state key. Level-triggered and idempotent:
// each run lists the containers this device owns for the key, compares their
// payload-hash label with the KV value, and acts on the difference. Status is
// written last, from what is true after acting, through the phase model
// (phase-model.ts), which keeps a retried failure Failed between attempts.
import type { PodmanService } from "@fleet/contracts";
import type { PodmanClient } from "../podman/client.js";
import {
  createContainer,
  listContainers,
  removeContainer,
  startContainer,
  type ContainerSummary,
} from "../podman/containers.js";
import { ensureImage } from "../podman/images.js";
import { containerSpecFor } from "../runtime/container-spec.js";
import { LABELS, ownerLabels } from "../runtime/labels.js";
import type { StatusBook } from "../status/status-book.js";
import type { Desired, DesiredStore } from "./desired-store.js";
import { DeploymentPhases } from "./deployment-phases.js";
import type { FailedAttempt } from "./phase-model.js";
import { superviseContainers, type SuperviseDeps } from "./supervise.js";

export interface ReconcilerDeps extends SuperviseDeps {
  device: string;
  podman: PodmanClient;
  store: DesiredStore;
  book: StatusBook;
}

type Valid = Extract<Desired, { kind: "valid" }>;
const names = (containers: readonly ContainerSummary[]): string =>
  containers.map((c) => c.name).join(", ");

export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #phases: DeploymentPhases;
  /** The desired state each key's latest attempt set out to apply (its payload hash). */
  readonly #attempted = new Map<string, string | undefined>();

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.#phases = new DeploymentPhases(deps.book, deps.ring);
  }

  /** The payload hash the latest attempt for `key` set out to apply (undefined: none). */
  attemptedHash(key: string): string | undefined {
    return this.#attempted.get(key);
  }

  /** A reconcile of `key` threw: it stays (or goes) Failed with the error and the retry time. */
  failed(key: string, failure: FailedAttempt): void {
    // About the desired state that attempt worked on, even if a newer one arrived meanwhile.
    const hash = this.#attempted.get(key);
    this.#phases.apply(key, { type: "attemptFailed", hash, ...failure });
  }

  async reconcile(key: string): Promise<void> {
    const { podman, device, store } = this.#deps;
    // Read first: whatever fails below fails for this desired state.
    const desired = store.get(key);
    this.#attempted.set(key, desired?.hash);
    const owned = await listContainers(podman, {
      ...ownerLabels(device),
      [LABELS.deploymentKey]: key,
    });
    if (desired === undefined && !store.synced) {
      // KV not read yet (e.g. booted without NATS): keep what runs running, remove nothing.
      const problems = await superviseContainers(this.#deps, key, owned);
      if (owned.length > 0) this.#phases.apply(key, { type: "settled", hash: undefined, problems });
      return;
    }
    if (desired === undefined) {
      await this.#removeAll(key, owned);
      return;
    }
    if (desired.kind === "invalid") {
      // Whatever already runs for this key keeps running (and is still looked after).
      await superviseContainers(this.#deps, key, owned);
      this.#phases.apply(key, { type: "invalid", hash: desired.hash, error: desired.error });
      return;
    }
    await this.#converge(key, desired, owned);
  }

  async #removeAll(key: string, owned: readonly ContainerSummary[]): Promise<void> {
    for (const container of owned) {
      this.#deps.restarts.forget(container.name);
      await removeContainer(this.#deps.podman, container.id);
    }
    if (owned.length > 0) {
      const message = `deployment deleted: removed ${names(owned)}`;
      this.#deps.ring.record({ severity: "Info", message, deployment: key });
    }
    this.#phases.remove(key);
    this.#attempted.delete(key);
  }

  async #converge(key: string, desired: Valid, owned: readonly ContainerSummary[]): Promise<void> {
    const { podman, ring, restarts, device } = this.#deps;
    const services: PodmanService[] = desired.entry.score.PodmanV0.services;
    const serviceOf = (c: ContainerSummary): string | undefined => c.labels[LABELS.service];
    const current = owned.filter(
      (c) =>
        c.labels[LABELS.payloadHash] === desired.hash &&
        services.some((s) => s.name === serviceOf(c)),
    );
    const stale = owned.filter((c) => !current.includes(c));
    const missing = services.filter((s) => !current.some((c) => serviceOf(c) === s.name));
    if (stale.length > 0 || missing.length > 0) {
      const missingServices = missing.map((s) => s.name);
      this.#phases.apply(key, { type: "applying", hash: desired.hash, missingServices });
      // Images first: if one is unavailable, the old version keeps running.
      for (const service of missing) {
        if ((await ensureImage(podman, service.image)) === "pulled") {
          ring.record({
            severity: "Info",
            message: `pulled image ${service.image}`,
            deployment: key,
          });
        }
      }
      // Upgrade = remove, then re-create: old and new never run side by side.
      await this.#removeStale(stale);
      const created: string[] = [];
      for (const service of missing) {
        const spec = containerSpecFor({ device, key, hash: desired.hash, service });
        restarts.forget(spec.name);
        await startContainer(podman, await createContainer(podman, spec));
        created.push(`${spec.name} (${service.image})`);
      }
      const generation = desired.entry.deployment.generation;
      const verb =
        stale.length > 0
          ? `upgraded to generation ${generation}`
          : `deployed generation ${generation}`;
      ring.record({
        severity: "Info",
        message: `${verb}: started ${created.join(", ")}`,
        deployment: key,
      });
    }
    const problems = await superviseContainers(this.#deps, key, current);
    this.#phases.apply(key, { type: "settled", hash: desired.hash, problems });
  }

  async #removeStale(stale: readonly ContainerSummary[]): Promise<void> {
    for (const container of stale) {
      this.#deps.restarts.forget(container.name);
      await removeContainer(this.#deps.podman, container.id);
    }
  }
}

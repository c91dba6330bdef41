// A key's containers as the PodmanV0 runtime finds them, and what it does with
// them: converge to a desired score (create, or upgrade by remove-then-create
// when the workload hash differs: converge-plan.ts), look after them, or
// remove them all.
import { scoreBody, type PodmanService } from "@fleet/contracts";
import type { PodmanClient } from "../../podman/client.js";
import {
  createContainer,
  removeContainer,
  startContainer,
  type ContainerSummary,
} from "../../podman/containers.js";
import { ensureImage } from "../../podman/images.js";
import type { ConvergeHooks, DesiredRun, HeldWorkload } from "../score-runtime.js";
import { containerSpecFor } from "./container-spec.js";
import { convergePlan } from "./converge-plan.js";
import type { ContainersBeingRemoved } from "./containers-being-removed.js";
import { superviseContainers, type SuperviseDeps } from "./supervise.js";

export interface HeldContainersDeps extends SuperviseDeps {
  device: string;
  podman: PodmanClient;
  /** Their `died` events are the agent's own doing, not failures. */
  removing: ContainersBeingRemoved;
}

export class HeldContainers implements HeldWorkload {
  readonly #deps: HeldContainersDeps;
  readonly #key: string;
  readonly #owned: readonly ContainerSummary[];

  constructor(deps: HeldContainersDeps, key: string, owned: readonly ContainerSummary[]) {
    this.#deps = deps;
    this.#key = key;
    this.#owned = owned;
  }

  get names(): readonly string[] {
    return this.#owned.map((c) => c.name);
  }

  supervise(): Promise<string[]> {
    return superviseContainers(this.#deps, this.#key, this.#owned);
  }

  async remove(): Promise<void> {
    await this.#removeContainers(this.#owned);
  }

  async converge(desired: DesiredRun, hooks: ConvergeHooks): Promise<string[]> {
    const { podman, ring, restarts, device } = this.#deps;
    const key = this.#key;
    const services: readonly PodmanService[] = scoreBody(desired.score, "PodmanV0").services;
    const { current, stale, missing } = convergePlan(this.#owned, services, desired);
    if (stale.length > 0 || missing.length > 0) {
      hooks.applying(missing.map((s) => s.name));
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
      await this.#removeContainers(stale);
      const created: string[] = [];
      for (const service of missing) {
        const spec = containerSpecFor({ device, key, hash: desired.hash, service });
        restarts.forget(spec.name);
        await startContainer(podman, await createContainer(podman, spec));
        created.push(`${spec.name} (${service.image})`);
      }
      const verb =
        stale.length > 0
          ? `upgraded to generation ${desired.generation}`
          : `deployed generation ${desired.generation}`;
      ring.record({
        severity: "Info",
        message: `${verb}: started ${created.join(", ")}`,
        deployment: key,
      });
    }
    return superviseContainers(this.#deps, key, current);
  }

  async #removeContainers(containers: readonly ContainerSummary[]): Promise<void> {
    for (const container of containers) {
      this.#deps.restarts.forget(container.name);
      this.#deps.removing.add(container.id);
      await removeContainer(this.#deps.podman, container.id);
    }
  }
}

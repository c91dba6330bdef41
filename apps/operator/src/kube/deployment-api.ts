// The operator's writes to Deployment CRs, over the shared typed client
// (@fleet/kube): the finalizer, guarded by JSON patch test ops so a stale read
// fails instead of clobbering, and the status subresource.
import { DeploymentClient, type DeploymentList, type DeploymentObject } from "@fleet/kube";
import type { KubeConfig } from "@kubernetes/client-node";
import { FINALIZER, type DeploymentStatus } from "@fleet/contracts";

export { deploymentsPath } from "@fleet/kube";
/** A CR as read, before (or without) validating the spec. */
export type RawDeployment = DeploymentObject;
export type { DeploymentList };

export class DeploymentApi {
  readonly #client: DeploymentClient;

  constructor(kc: KubeConfig) {
    this.#client = DeploymentClient.forKubeConfig(kc);
  }

  list(namespace: string | undefined): Promise<DeploymentList> {
    return this.#client.list(namespace);
  }

  /** Adds the finalizer; the resourceVersion test makes a stale read fail instead of clobbering. */
  async addFinalizer(namespace: string, name: string, current: RawDeployment): Promise<void> {
    await this.#client.jsonPatch(namespace, name, [
      { op: "test", path: "/metadata/resourceVersion", value: current.metadata?.resourceVersion },
      current.metadata?.finalizers === undefined
        ? { op: "add", path: "/metadata/finalizers", value: [FINALIZER] }
        : { op: "add", path: "/metadata/finalizers/-", value: FINALIZER },
    ]);
  }

  /** Removes the finalizer at the index it was read at, guarded by a test op. */
  async removeFinalizer(namespace: string, name: string, current: RawDeployment): Promise<void> {
    const index = current.metadata?.finalizers?.indexOf(FINALIZER) ?? -1;
    if (index < 0) return;
    const path = `/metadata/finalizers/${index}`;
    await this.#client.jsonPatch(namespace, name, [
      { op: "test", path, value: FINALIZER },
      { op: "remove", path },
    ]);
  }

  /** Merge patch of the status subresource only; `null` fields are removed. */
  async patchStatus(
    namespace: string,
    name: string,
    status: DeploymentStatus | Record<string, unknown>,
  ): Promise<void> {
    await this.#client.patchStatus(namespace, name, status);
  }
}

// Typed access to the Deployment custom resource: where it lives in the API,
// and the patches the operator sends (finalizer, status subresource).
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from "@kubernetes/client-node";
import { API_GROUP, API_VERSION, FINALIZER, PLURAL, type DeploymentStatus } from "@fleet/contracts";

/** The fields of a raw CR the operator reads before (or without) validating the spec. */
export interface RawDeployment {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    deletionTimestamp?: string | Date;
    finalizers?: string[];
  };
  spec?: unknown;
  status?: unknown;
}

export function deploymentsPath(namespace: string | undefined): string {
  return namespace === undefined
    ? `/apis/${API_GROUP}/${API_VERSION}/${PLURAL}`
    : `/apis/${API_GROUP}/${API_VERSION}/namespaces/${namespace}/${PLURAL}`;
}

export interface DeploymentList {
  items: RawDeployment[];
  resourceVersion: string;
}

/** A JSON Patch (RFC 6902) operation. */
interface JsonPatchOp {
  op: "add" | "remove" | "test";
  path: string;
  value?: unknown;
}

export class DeploymentApi {
  readonly #api: CustomObjectsApi;

  constructor(kc: KubeConfig) {
    this.#api = kc.makeApiClient(CustomObjectsApi);
  }

  async list(namespace: string | undefined): Promise<DeploymentList> {
    const base = { group: API_GROUP, version: API_VERSION, plural: PLURAL };
    const list = (
      namespace === undefined
        ? await this.#api.listClusterCustomObject(base)
        : await this.#api.listNamespacedCustomObject({ ...base, namespace })
    ) as { items?: RawDeployment[]; metadata?: { resourceVersion?: string } };
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? "" };
  }

  /** Adds the finalizer; the resourceVersion test makes a stale read fail instead of clobbering. */
  async addFinalizer(namespace: string, name: string, current: RawDeployment): Promise<void> {
    const ops: JsonPatchOp[] = [
      { op: "test", path: "/metadata/resourceVersion", value: current.metadata?.resourceVersion },
      current.metadata?.finalizers === undefined
        ? { op: "add", path: "/metadata/finalizers", value: [FINALIZER] }
        : { op: "add", path: "/metadata/finalizers/-", value: FINALIZER },
    ];
    await this.#jsonPatch(namespace, name, ops);
  }

  /** Removes the finalizer at the index it was read at, guarded by a test op. */
  async removeFinalizer(namespace: string, name: string, current: RawDeployment): Promise<void> {
    const index = current.metadata?.finalizers?.indexOf(FINALIZER) ?? -1;
    if (index < 0) return;
    const path = `/metadata/finalizers/${index}`;
    await this.#jsonPatch(namespace, name, [
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
    await this.#api.patchNamespacedCustomObjectStatus(
      { group: API_GROUP, version: API_VERSION, namespace, plural: PLURAL, name, body: { status } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  async #jsonPatch(namespace: string, name: string, body: JsonPatchOp[]): Promise<void> {
    await this.#api.patchNamespacedCustomObject(
      { group: API_GROUP, version: API_VERSION, namespace, plural: PLURAL, name, body },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    );
  }
}

// The Deployment custom resource through client-node's CustomObjectsApi: one
// typed client for every reader and writer (operator, dashboard, tools,
// tests), so group, version, plural and patch content types are spelled once.
// Objects come back as the API server sent them (DeploymentObject); callers
// that need the contract parse them with contracts' deploymentResourceSchema.
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type Configuration,
  type KubeConfig,
} from "@kubernetes/client-node";
import { API_GROUP, API_VERSION, PLURAL } from "@fleet/contracts";
import { isNotFound } from "./api-errors.js";

/** A Deployment as the API server returns it, before any validation of spec or status. */
export interface DeploymentObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    deletionTimestamp?: string | Date;
    finalizers?: string[];
    labels?: Record<string, string>;
    /** Rollout commands live here (contracts' rolloutCommandsOf). */
    annotations?: Record<string, string>;
  };
  spec?: unknown;
  status?: unknown;
}

/** A whole object to send: it names itself (contracts' DeploymentResource is one). */
export interface DeploymentBody {
  apiVersion: string;
  kind: string;
  /** With resourceVersion, a replace only succeeds on the version that was read. */
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: unknown;
  status?: unknown;
}

export interface DeploymentList {
  items: DeploymentObject[];
  /** Where a watch of the same collection resumes. */
  resourceVersion: string;
}

/** A JSON Patch (RFC 6902) operation. */
export interface JsonPatchOp {
  op: "add" | "remove" | "replace" | "test";
  path: string;
  value?: unknown;
}

const base = { group: API_GROUP, version: API_VERSION, plural: PLURAL };

/** The collection's URL path (all namespaces when none is given), e.g. for a watch. */
export function deploymentsPath(namespace?: string): string {
  const where = namespace === undefined ? "" : `namespaces/${encodeURIComponent(namespace)}/`;
  return `/apis/${API_GROUP}/${API_VERSION}/${where}${PLURAL}`;
}

export class DeploymentClient {
  readonly #api: CustomObjectsApi;

  private constructor(api: CustomObjectsApi) {
    this.#api = api;
  }

  /** Acting as the kubeconfig's current user. */
  static forKubeConfig(kc: KubeConfig): DeploymentClient {
    return new DeploymentClient(kc.makeApiClient(CustomObjectsApi));
  }

  /** Acting with a prepared Configuration's credentials (e.g. a signed-in user's own token). */
  static forConfiguration(configuration: Configuration): DeploymentClient {
    return new DeploymentClient(new CustomObjectsApi(configuration));
  }

  /** Every Deployment of `namespace`, or of all namespaces when none is given. */
  async list(
    namespace?: string,
    options: { fieldSelector?: string } = {},
  ): Promise<DeploymentList> {
    const list = (
      namespace === undefined
        ? await this.#api.listClusterCustomObject({ ...base, ...options })
        : await this.#api.listNamespacedCustomObject({ ...base, namespace, ...options })
    ) as { items?: DeploymentObject[]; metadata?: { resourceVersion?: string } };
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? "" };
  }

  async get(namespace: string, name: string): Promise<DeploymentObject> {
    return (await this.#api.getNamespacedCustomObject({
      ...base,
      namespace,
      name,
    })) as DeploymentObject;
  }

  /** Like get, but undefined when there is no such Deployment (404). */
  async find(namespace: string, name: string): Promise<DeploymentObject | undefined> {
    try {
      return await this.get(namespace, name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async create(body: DeploymentBody): Promise<DeploymentObject> {
    return (await this.#api.createNamespacedCustomObject({
      ...base,
      namespace: body.metadata.namespace,
      body,
    })) as DeploymentObject;
  }

  /** Replaces the object; with the resourceVersion read, a concurrent edit gives 409, never a lost update. */
  async replace(body: DeploymentBody): Promise<DeploymentObject> {
    const { namespace, name } = body.metadata;
    return (await this.#api.replaceNamespacedCustomObject({
      ...base,
      namespace,
      name,
      body,
    })) as DeploymentObject;
  }

  /** Server-side apply, forced: `fieldManager` takes over the fields it sets. */
  async apply(body: DeploymentBody, fieldManager: string): Promise<DeploymentObject> {
    const { namespace, name } = body.metadata;
    return (await this.#api.patchNamespacedCustomObject(
      { ...base, namespace, name, body, fieldManager, force: true },
      setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
    )) as DeploymentObject;
  }

  /** JSON merge patch (RFC 7386): `null` removes a field. */
  async mergePatch(namespace: string, name: string, body: object): Promise<DeploymentObject> {
    return (await this.#api.patchNamespacedCustomObject(
      { ...base, namespace, name, body },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as DeploymentObject;
  }

  /** JSON patch (RFC 6902); a failed "test" op answers 422 and changes nothing. */
  async jsonPatch(namespace: string, name: string, ops: JsonPatchOp[]): Promise<DeploymentObject> {
    return (await this.#api.patchNamespacedCustomObject(
      { ...base, namespace, name, body: ops },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    )) as DeploymentObject;
  }

  /** Merge patch of the status subresource only; `null` fields are removed. */
  async patchStatus(namespace: string, name: string, status: object): Promise<void> {
    await this.#api.patchNamespacedCustomObjectStatus(
      { ...base, namespace, name, body: { status } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.#api.deleteNamespacedCustomObject({ ...base, namespace, name });
  }

  /** Deletes unless already gone; true when this call deleted it. */
  async deleteIfPresent(namespace: string, name: string): Promise<boolean> {
    try {
      await this.delete(namespace, name);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

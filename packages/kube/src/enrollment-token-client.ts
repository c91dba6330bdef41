// The EnrollmentToken custom resource (cluster-scoped) through client-node's
// CustomObjectsApi: one typed client for provisioning (create, list, revoke),
// the identity service's enrollment server (get, count a use with an
// optimistic-concurrency status patch) and tests. Objects come back as the
// API server sent them; callers parse them with contracts'
// enrollmentTokenResourceSchema.
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type Configuration,
  type KubeConfig,
} from "@kubernetes/client-node";
import { API_GROUP, API_VERSION, ENROLLMENT_TOKEN_PLURAL } from "@fleet/contracts";
import { isNotFound } from "./api-errors.js";

/** An EnrollmentToken as the API server returns it, before any validation. */
export interface EnrollmentTokenObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string | Date;
    labels?: Record<string, string>;
  };
  spec?: unknown;
  status?: unknown;
}

/** A whole EnrollmentToken to send (contracts' enrollmentTokenManifest builds one). */
export interface EnrollmentTokenBody {
  apiVersion: string;
  kind: string;
  /** With resourceVersion, a replace only succeeds on the version that was read. */
  metadata: { name: string; resourceVersion?: string };
  spec?: unknown;
  status?: unknown;
}

export interface EnrollmentTokenList {
  items: EnrollmentTokenObject[];
  resourceVersion: string;
}

/** A write the API server checks in full (RBAC, admission, schema) without persisting it. */
export interface EnrollmentTokenWriteOptions {
  dryRun?: boolean;
}

const base = { group: API_GROUP, version: API_VERSION, plural: ENROLLMENT_TOKEN_PLURAL };

const dryRunOf = (options: EnrollmentTokenWriteOptions): { dryRun?: string } =>
  options.dryRun === true ? { dryRun: "All" } : {};

export class EnrollmentTokenClient {
  readonly #api: CustomObjectsApi;

  private constructor(api: CustomObjectsApi) {
    this.#api = api;
  }

  /** Acting as the kubeconfig's current user. */
  static forKubeConfig(kc: KubeConfig): EnrollmentTokenClient {
    return new EnrollmentTokenClient(kc.makeApiClient(CustomObjectsApi));
  }

  /** Acting with a prepared Configuration's credentials (e.g. a signed-in user's own token). */
  static forConfiguration(configuration: Configuration): EnrollmentTokenClient {
    return new EnrollmentTokenClient(new CustomObjectsApi(configuration));
  }

  async list(): Promise<EnrollmentTokenList> {
    const list = (await this.#api.listClusterCustomObject({ ...base })) as {
      items?: EnrollmentTokenObject[];
      metadata?: { resourceVersion?: string };
    };
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? "" };
  }

  async get(name: string): Promise<EnrollmentTokenObject> {
    return (await this.#api.getClusterCustomObject({ ...base, name })) as EnrollmentTokenObject;
  }

  /** Like get, but undefined when there is no such token (404). */
  async find(name: string): Promise<EnrollmentTokenObject | undefined> {
    try {
      return await this.get(name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async create(
    body: EnrollmentTokenBody,
    options: EnrollmentTokenWriteOptions = {},
  ): Promise<EnrollmentTokenObject> {
    return (await this.#api.createClusterCustomObject({
      ...base,
      body,
      ...dryRunOf(options),
    })) as EnrollmentTokenObject;
  }

  /** JSON merge patch of the object (e.g. `{ spec: { revoked: true } }`); `null` removes a field. */
  async mergePatch(
    name: string,
    body: object,
    options: EnrollmentTokenWriteOptions = {},
  ): Promise<EnrollmentTokenObject> {
    return (await this.#api.patchClusterCustomObject(
      { ...base, name, body, ...dryRunOf(options) },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as EnrollmentTokenObject;
  }

  /**
   * JSON merge patch of the status subresource. Given `resourceVersion` (the
   * one that was read), the patch only applies to that version: two writers
   * racing on one version cannot both win, the loser gets 409 (isConflict)
   * and must read again. That is how a use is counted without ever letting a
   * single-use token enroll twice, with only the `patch` verb.
   */
  async patchStatus(
    name: string,
    status: object,
    options: { resourceVersion?: string } = {},
  ): Promise<EnrollmentTokenObject> {
    const metadata = options.resourceVersion === undefined ? {} : { metadata: options };
    return (await this.#api.patchClusterCustomObjectStatus(
      { ...base, name, body: { ...metadata, status } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as EnrollmentTokenObject;
  }

  async delete(name: string, options: EnrollmentTokenWriteOptions = {}): Promise<void> {
    await this.#api.deleteClusterCustomObject({ ...base, name, ...dryRunOf(options) });
  }

  /** Deletes unless already gone; true when this call deleted it. */
  async deleteIfPresent(name: string): Promise<boolean> {
    try {
      await this.delete(name);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

// The Device custom resource (cluster-scoped) through client-node's
// CustomObjectsApi: one typed client for the identity service, provisioning,
// the dashboard and tests. Objects come back as the API server sent them
// (DeviceObject); callers that need the contract parse them with contracts'
// deviceResourceSchema or deviceSpecSchema.
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type Configuration,
  type KubeConfig,
} from "@kubernetes/client-node";
import {
  API_GROUP,
  API_VERSION,
  DEVICE_PLURAL,
  DEVICE_USER_ID_FIELD,
  IDENTITY_ID_PATTERN,
  type DeviceSpecInput,
} from "@fleet/contracts";
import type { Logger } from "@fleet/runtime";
import { isNotFound } from "./api-errors.js";
import type { JsonPatchOp } from "./deployment-client.js";
import {
  ResourceWatch,
  type ResourceWatchHandlers,
  type WatchRestartReason,
} from "./resource-watch.js";

/** A Device as the API server returns it, before any validation of its spec. */
export interface DeviceObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string | Date;
    deletionTimestamp?: string | Date;
    labels?: Record<string, string>;
  };
  spec?: unknown;
  /** Written through the status subresource (patchStatus), never with the spec. */
  status?: unknown;
}

/** A whole Device to send (contracts' deviceManifest builds one). */
export interface DeviceBody {
  apiVersion: string;
  kind: string;
  /** With resourceVersion, a replace only succeeds on the version that was read. */
  metadata: { name: string; labels?: Record<string, string>; resourceVersion?: string };
  spec: unknown;
}

export interface DeviceList {
  items: DeviceObject[];
  /** Where a watch of the same collection resumes. */
  resourceVersion: string;
  /** Set when a `limit`ed list has more pages: pass it back as `continue`. */
  continue?: string;
}

/** A spec change as a JSON merge patch: fields given are set, `null` removes one (e.g. identity). */
export type DeviceSpecPatch = {
  [K in keyof DeviceSpecInput]?: DeviceSpecInput[K] | null;
};

export interface DeviceWatchOptions {
  log: Logger;
  /** Abort a watch that saw no event, bookmark or reconnect for this long (default 90 s). */
  watchdogMs?: number;
  /** Filled and kept current by the watch, keyed by device name. */
  cache?: Map<string, DeviceObject>;
  /** What the cache keeps of each Device (default: all of it). */
  keep?: (device: DeviceObject) => DeviceObject;
  /**
   * List in pages of this many Devices, each page cut down by `keep` before
   * the next is read: a fleet of 50,000 is never held whole in memory.
   */
  pageSize?: number;
  onRestart?: (reason: WatchRestartReason) => void;
}

const base = { group: API_GROUP, version: API_VERSION, plural: DEVICE_PLURAL };

/** A write the API server checks in full (RBAC, admission, schema, conflicts) without persisting it. */
export interface DeviceWriteOptions {
  dryRun?: boolean;
}

const dryRunOf = (options: DeviceWriteOptions): { dryRun?: string } =>
  options.dryRun === true ? { dryRun: "All" } : {};

/** The collection's URL path, e.g. for a watch. */
export function devicesPath(): string {
  return `/apis/${API_GROUP}/${API_VERSION}/${DEVICE_PLURAL}`;
}

/** A Device's name (= the device id). */
export const deviceNameOf = (device: DeviceObject): string => device.metadata?.name ?? "";

export class DeviceClient {
  readonly #api: CustomObjectsApi;
  /** Only a client made from a KubeConfig can watch (client-node's Watch reads one). */
  readonly #kc: KubeConfig | undefined;

  private constructor(api: CustomObjectsApi, kc: KubeConfig | undefined) {
    this.#api = api;
    this.#kc = kc;
  }

  /** Acting as the kubeconfig's current user. */
  static forKubeConfig(kc: KubeConfig): DeviceClient {
    return new DeviceClient(kc.makeApiClient(CustomObjectsApi), kc);
  }

  /** Acting with a prepared Configuration's credentials (e.g. a signed-in user's own token); cannot watch. */
  static forConfiguration(configuration: Configuration): DeviceClient {
    return new DeviceClient(new CustomObjectsApi(configuration), undefined);
  }

  async list(
    options: {
      labelSelector?: string;
      fieldSelector?: string;
      limit?: number;
      continue?: string;
    } = {},
  ): Promise<DeviceList> {
    const { continue: token, ...rest } = options;
    const list = (await this.#api.listClusterCustomObject({
      ...base,
      ...rest,
      ...(token === undefined ? {} : { _continue: token }),
    })) as {
      items?: DeviceObject[];
      metadata?: { resourceVersion?: string; continue?: string };
    };
    const next = list.metadata?.continue;
    return {
      items: list.items ?? [],
      resourceVersion: list.metadata?.resourceVersion ?? "",
      ...(next === undefined || next === "" ? {} : { continue: next }),
    };
  }

  /**
   * Every Device, read `pageSize` at a time (one consistent snapshot), each
   * page mapped by `keep` before the next is read.
   */
  async listPaged(
    pageSize: number,
    keep: (device: DeviceObject) => DeviceObject = (device) => device,
  ): Promise<DeviceList> {
    const items: DeviceObject[] = [];
    let page = await this.list({ limit: pageSize });
    for (;;) {
      for (const item of page.items) items.push(keep(item));
      if (page.continue === undefined) return { items, resourceVersion: page.resourceVersion };
      page = await this.list({ limit: pageSize, continue: page.continue });
    }
  }

  /**
   * The Devices whose spec.identity.userId is `userId` (a selectable field, so
   * the API server filters). A malformed id cannot be on any Device, and is
   * never put into a selector.
   */
  async listByUserId(userId: string): Promise<DeviceObject[]> {
    if (!IDENTITY_ID_PATTERN.test(userId)) return [];
    return (await this.list({ fieldSelector: `${DEVICE_USER_ID_FIELD}=${userId}` })).items;
  }

  async get(name: string): Promise<DeviceObject> {
    return (await this.#api.getClusterCustomObject({ ...base, name })) as DeviceObject;
  }

  /** Like get, but undefined when there is no such Device (404). */
  async find(name: string): Promise<DeviceObject | undefined> {
    try {
      return await this.get(name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async create(body: DeviceBody, options: DeviceWriteOptions = {}): Promise<DeviceObject> {
    return (await this.#api.createClusterCustomObject({
      ...base,
      body,
      ...dryRunOf(options),
    })) as DeviceObject;
  }

  /** JSON merge patch of the spec (RFC 7386): given fields are set, `null` removes one. */
  async patchSpec(
    name: string,
    spec: DeviceSpecPatch,
    options: DeviceWriteOptions = {},
  ): Promise<DeviceObject> {
    return this.mergePatch(name, { spec }, options);
  }

  /** JSON merge patch of the object (labels, spec); `null` removes a field. */
  async mergePatch(
    name: string,
    body: object,
    options: DeviceWriteOptions = {},
  ): Promise<DeviceObject> {
    return (await this.#api.patchClusterCustomObject(
      { ...base, name, body, ...dryRunOf(options) },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as DeviceObject;
  }

  /**
   * JSON merge patch of the status subresource: only the fields given change
   * (`null` removes one), so writers of different status fields (iot-identity:
   * phase, identity, message; the operator: connectivity and the rest) never
   * overwrite each other.
   */
  async patchStatus(name: string, status: object): Promise<DeviceObject> {
    return (await this.#api.patchClusterCustomObjectStatus(
      { ...base, name, body: { status } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as DeviceObject;
  }

  /** JSON patch (RFC 6902); a failed "test" op answers 422 and changes nothing. */
  async jsonPatch(name: string, ops: JsonPatchOp[]): Promise<DeviceObject> {
    return (await this.#api.patchClusterCustomObject(
      { ...base, name, body: ops },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    )) as DeviceObject;
  }

  async delete(name: string, options: DeviceWriteOptions = {}): Promise<void> {
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

  /**
   * Starts a list-then-watch of every Device (the shared ResourceWatch), keyed
   * by name. `close()` the result to stop it.
   */
  watch(
    handlers: ResourceWatchHandlers<DeviceObject>,
    options: DeviceWatchOptions,
  ): ResourceWatch<DeviceObject> {
    if (this.#kc === undefined) {
      throw new Error("DeviceClient.watch needs a client made with DeviceClient.forKubeConfig");
    }
    const watch = new ResourceWatch<DeviceObject>({
      kc: this.#kc,
      path: devicesPath(),
      list: () =>
        options.pageSize === undefined
          ? this.list()
          : this.listPaged(options.pageSize, options.keep),
      keyOf: deviceNameOf,
      handlers,
      watchdogMs: options.watchdogMs ?? 90_000,
      what: "devices",
      log: options.log,
      ...(options.cache === undefined ? {} : { cache: options.cache }),
      ...(options.keep === undefined ? {} : { keep: options.keep }),
      ...(options.onRestart === undefined ? {} : { onRestart: options.onRestart }),
    });
    watch.start();
    return watch;
  }
}

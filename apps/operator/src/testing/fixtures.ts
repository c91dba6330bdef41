// Typed helpers for integration tests: unique namespaces, Deployment CRs, the
// real KV buckets, and a tiny simulated agent that writes AgentStatus values.
import {
  API_GROUP,
  API_VERSION,
  agentStatusKey,
  BUCKET_AGENT_STATUS,
  BUCKET_DESIRED_STATE,
  deploymentManifest,
  encodeAgentStatus,
  PLURAL,
  type AgentStatusInput,
  type DeploymentSpecInput,
  type DeploymentStatus,
} from "@fleet/contracts";
import { kubeConfigFor, platformConnection, waitUntil } from "@fleet/local-platform/testing";
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from "@kubernetes/client-node";
import { Kvm, type KV } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";

export const runId = Date.now().toString(36);

export interface StoredDeployment {
  metadata: {
    uid: string;
    generation: number;
    name: string;
    namespace: string;
    finalizers?: string[];
  };
  spec: DeploymentSpecInput;
  status?: DeploymentStatus;
}

export class Cluster {
  readonly objects: CustomObjectsApi;
  readonly core: CoreV1Api;
  /** Namespaces this test file created; cleanup() empties them. */
  readonly namespaces: string[] = [];

  private constructor(readonly kc: KubeConfig) {
    this.objects = kc.makeApiClient(CustomObjectsApi);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  static async connect(): Promise<Cluster> {
    return new Cluster(await kubeConfigFor("admin"));
  }

  /** Namespaces are never deleted (no controller-manager): one unique name per run. */
  async namespace(prefix: string): Promise<string> {
    const name = `${prefix}-${runId}`;
    await this.core.createNamespace({ body: { metadata: { name } } });
    this.namespaces.push(name);
    return name;
  }

  /**
   * Deletes every Deployment in the namespaces this file created, finalizers
   * dropped first (the test's operator may be gone), so the next `npm run demo`
   * does not find them. The namespaces stay: nothing here would finish deleting them.
   */
  async cleanup(): Promise<void> {
    const base = { group: API_GROUP, version: API_VERSION, plural: PLURAL };
    for (const namespace of this.namespaces) {
      // Right after a CRD change the API answers 429 "storage is (re)initializing" for a moment.
      let items: StoredDeployment[] = [];
      await waitUntil(
        async () => {
          const list = (await this.objects.listNamespacedCustomObject({ ...base, namespace })) as {
            items: StoredDeployment[];
          };
          items = list.items;
          return true;
        },
        { what: `listing Deployments in ${namespace} for cleanup`, timeoutMs: 30_000 },
      );
      for (const { metadata } of items) {
        const name = metadata.name;
        if ((metadata.finalizers ?? []).length > 0)
          await this.objects.patchNamespacedCustomObject(
            { ...base, namespace, name, body: { metadata: { finalizers: null } } },
            setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
          );
        await this.objects
          .deleteNamespacedCustomObject({ ...base, namespace, name })
          .catch((error: unknown) => {
            if ((error as { code?: number }).code !== 404) throw error;
          });
      }
    }
  }

  async create(
    namespace: string,
    name: string,
    spec: DeploymentSpecInput,
  ): Promise<StoredDeployment> {
    return (await this.objects.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      body: deploymentManifest({ namespace, name, spec }),
    })) as StoredDeployment;
  }

  /** Creates without client-side validation, to reach the operator with what only it rejects. */
  async createRaw(namespace: string, name: string, spec: unknown): Promise<StoredDeployment> {
    return (await this.objects.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      body: {
        apiVersion: `${API_GROUP}/${API_VERSION}`,
        kind: "Deployment",
        metadata: { name, namespace },
        spec,
      },
    })) as StoredDeployment;
  }

  async get(namespace: string, name: string): Promise<StoredDeployment | undefined> {
    try {
      return (await this.objects.getNamespacedCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        namespace,
        plural: PLURAL,
        name,
      })) as StoredDeployment;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  async patchSpec(
    namespace: string,
    name: string,
    spec: Partial<DeploymentSpecInput>,
  ): Promise<StoredDeployment> {
    return (await this.objects.patchNamespacedCustomObject(
      { group: API_GROUP, version: API_VERSION, namespace, plural: PLURAL, name, body: { spec } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as StoredDeployment;
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.objects.deleteNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      name,
    });
  }
}

export class Kv {
  private constructor(
    readonly nc: NatsConnection,
    readonly desired: KV,
    readonly status: KV,
  ) {}

  static async connect(): Promise<Kv> {
    const nc = await connect({
      servers: (await platformConnection()).natsUrl,
      maxReconnectAttempts: -1,
    });
    const kvm = new Kvm(nc);
    return new Kv(
      nc,
      await kvm.create(BUCKET_DESIRED_STATE),
      await kvm.create(BUCKET_AGENT_STATUS),
    );
  }

  async value(key: string): Promise<Uint8Array | undefined> {
    const entry = await this.desired.get(key);
    return entry?.operation === "PUT" ? entry.value : undefined;
  }

  async revision(key: string): Promise<number | undefined> {
    const entry = await this.desired.get(key);
    return entry?.operation === "PUT" ? entry.revision : undefined;
  }

  async keys(filter: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of await this.desired.keys(filter)) keys.push(key);
    return keys.sort();
  }

  readonly #reported = new Set<string>();

  async report(status: AgentStatusInput): Promise<void> {
    this.#reported.add(status.deviceId);
    await this.status.put(agentStatusKey(status.deviceId), encodeAgentStatus(status));
  }

  /** Purges the desired state of these namespaces and the status of every device reported here. */
  async cleanup(namespaces: readonly string[]): Promise<void> {
    for (const namespace of namespaces) {
      for (const key of await this.keys(`*.${namespace}.>`)) await this.desired.purge(key);
    }
    for (const device of this.#reported) await this.status.purge(agentStatusKey(device));
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

export const nginxSpec = (targetDevices: string[], tag = "1.0"): DeploymentSpecInput => ({
  targetDevices,
  score: {
    PodmanV0: {
      services: [
        {
          name: "web",
          image: `localhost/fleet-nginx:${tag}`,
          ports: [{ hostPort: 18080, containerPort: 80 }],
        },
      ],
    },
  },
});

export const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && Buffer.compare(a, b) === 0;

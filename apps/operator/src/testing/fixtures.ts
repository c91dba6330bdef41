// Typed helpers for integration tests: unique namespaces, Deployment CRs, the
// real KV buckets, and a tiny simulated agent that writes AgentStatus values.
import {
  agentStatusKey,
  API_GROUP_VERSION,
  deploymentManifest,
  encodeAgentStatus,
  KIND,
  type AgentStatusInput,
  type DeploymentSpecInput,
  type DeploymentStatus,
  type LabelSelector,
} from "@fleet/contracts";
import { DeploymentClient } from "@fleet/kube";
import {
  connectAsAdmin,
  kubeConfigFor,
  platformConnection,
  waitUntil,
} from "@fleet/local-platform/testing";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { ensureBuckets } from "../nats/buckets.js";

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
  readonly deployments: DeploymentClient;
  readonly core: CoreV1Api;
  /** Namespaces this test file created; cleanup() empties them. */
  readonly namespaces: string[] = [];

  private constructor(readonly kc: KubeConfig) {
    this.deployments = DeploymentClient.forKubeConfig(kc);
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
    for (const namespace of this.namespaces) {
      // Right after a CRD change the API answers 429 "storage is (re)initializing" for a moment.
      let items: StoredDeployment[] = [];
      await waitUntil(
        async () => {
          items = (await this.deployments.list(namespace)).items as StoredDeployment[];
          return true;
        },
        { what: `listing Deployments in ${namespace} for cleanup`, timeoutMs: 30_000 },
      );
      for (const { metadata } of items) {
        const name = metadata.name;
        if ((metadata.finalizers ?? []).length > 0)
          await this.deployments.mergePatch(namespace, name, { metadata: { finalizers: null } });
        await this.deployments.deleteIfPresent(namespace, name);
      }
    }
  }

  async create(
    namespace: string,
    name: string,
    spec: DeploymentSpecInput,
  ): Promise<StoredDeployment> {
    const manifest = deploymentManifest({ namespace, name, spec });
    return (await this.deployments.create(manifest)) as StoredDeployment;
  }

  /** Creates without client-side validation, to reach the operator with what only it rejects. */
  async createRaw(namespace: string, name: string, spec: unknown): Promise<StoredDeployment> {
    return (await this.deployments.create({
      apiVersion: API_GROUP_VERSION,
      kind: KIND,
      metadata: { name, namespace },
      spec,
    })) as StoredDeployment;
  }

  async get(namespace: string, name: string): Promise<StoredDeployment | undefined> {
    return (await this.deployments.find(namespace, name)) as StoredDeployment | undefined;
  }

  async patchSpec(
    namespace: string,
    name: string,
    spec: Partial<DeploymentSpecInput>,
  ): Promise<StoredDeployment> {
    return (await this.deployments.mergePatch(namespace, name, { spec })) as StoredDeployment;
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.deployments.delete(namespace, name);
  }
}

export class Kv {
  private constructor(
    readonly nc: NatsConnection,
    readonly desired: KV,
    readonly status: KV,
  ) {}

  static async connect(): Promise<Kv> {
    // The tests seed and inspect KV as an outsider: the platform admin.
    const nc = await connectAsAdmin({ maxReconnectAttempts: -1 });
    // Created if missing as the operator started by the tests would: one replica per NATS node.
    const { natsNodes } = await platformConnection();
    const buckets = await ensureBuckets(nc, { replicas: natsNodes.length });
    return new Kv(nc, buckets.desiredState, buckets.agentStatus);
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

/** nginx publishing `hostPort`: two CRs on one device need different ones (else a clash withholds one). */
const nginxScore = (tag: string, hostPort: number): DeploymentSpecInput["score"] => ({
  PodmanV0: {
    services: [
      {
        name: "web",
        image: `localhost/fleet-nginx:${tag}`,
        ports: [{ hostPort, containerPort: 80 }],
      },
    ],
  },
});

export const nginxSpec = (
  targetDevices: string[],
  tag = "1.0",
  hostPort = 18080,
): DeploymentSpecInput => ({ targetDevices, score: nginxScore(tag, hostPort) });

/** nginx on the Devices a label selector matches. */
export const nginxSelectorSpec = (
  targetSelector: LabelSelector,
  hostPort: number,
  tag = "1.0",
): DeploymentSpecInput => ({ targetSelector, score: nginxScore(tag, hostPort) });

export const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && Buffer.compare(a, b) === 0;

// Deployment CRs through client-node: create, read, delete, and a watch that
// reports every version of one namespace's CRs as it arrives.
import {
  deploymentManifest,
  type DeploymentSpecInput,
  type DeploymentStatus,
} from "@fleet/contracts";
import { DeploymentClient, deploymentsPath } from "@fleet/kube";
import { adminKubeConfig } from "./kube-admin.js";
import { CoreV1Api, Watch, type KubeConfig } from "@kubernetes/client-node";

export interface StoredDeployment {
  metadata: { name: string; namespace: string; resourceVersion: string };
  status?: DeploymentStatus;
}

export class Cluster {
  readonly deployments: DeploymentClient;
  readonly core: CoreV1Api;

  private constructor(readonly kc: KubeConfig) {
    this.deployments = DeploymentClient.forKubeConfig(kc);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  static async connect(): Promise<Cluster> {
    return new Cluster(await adminKubeConfig());
  }

  /** The local platform has no namespace controller: one fresh namespace per run. */
  async namespace(prefix: string): Promise<string> {
    const name = `${prefix}-${Date.now().toString(36)}`;
    await this.core.createNamespace({ body: { metadata: { name } } });
    return name;
  }

  async create(namespace: string, name: string, spec: DeploymentSpecInput): Promise<void> {
    await this.deployments.create(deploymentManifest({ namespace, name, spec }));
  }

  async get(namespace: string, name: string): Promise<StoredDeployment | undefined> {
    return (await this.deployments.find(namespace, name)) as StoredDeployment | undefined;
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.deployments.deleteIfPresent(namespace, name);
  }

  /** Watches the CRs of `namespace`; returns a function that stops the watch. */
  async watch(
    namespace: string,
    onObject: (type: string, object: StoredDeployment) => void,
  ): Promise<() => void> {
    const controller = await new Watch(this.kc).watch(
      deploymentsPath(namespace),
      {},
      onObject,
      () => undefined,
    );
    return () => {
      controller.abort();
    };
  }
}

// Deployment CRs through client-node: create, read, delete, and a watch that
// reports every version of one namespace's CRs as it arrives.
import {
  API_GROUP,
  API_VERSION,
  deploymentManifest,
  PLURAL,
  type DeploymentSpecInput,
  type DeploymentStatus,
} from "@fleet/contracts";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { CoreV1Api, CustomObjectsApi, Watch, type KubeConfig } from "@kubernetes/client-node";

export interface StoredDeployment {
  metadata: { name: string; namespace: string; resourceVersion: string };
  status?: DeploymentStatus;
}

export class Cluster {
  readonly objects: CustomObjectsApi;
  readonly core: CoreV1Api;

  private constructor(readonly kc: KubeConfig) {
    this.objects = kc.makeApiClient(CustomObjectsApi);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  static async connect(): Promise<Cluster> {
    return new Cluster(await kubeConfigFor("admin"));
  }

  /** The local platform has no namespace controller: one fresh namespace per run. */
  async namespace(prefix: string): Promise<string> {
    const name = `${prefix}-${Date.now().toString(36)}`;
    await this.core.createNamespace({ body: { metadata: { name } } });
    return name;
  }

  async create(namespace: string, name: string, spec: DeploymentSpecInput): Promise<void> {
    await this.objects.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      body: deploymentManifest({ namespace, name, spec }),
    });
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

  async delete(namespace: string, name: string): Promise<void> {
    try {
      await this.objects.deleteNamespacedCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        namespace,
        plural: PLURAL,
        name,
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  }

  /** Watches the CRs of `namespace`; returns a function that stops the watch. */
  async watch(
    namespace: string,
    onObject: (type: string, object: StoredDeployment) => void,
  ): Promise<() => void> {
    const controller = await new Watch(this.kc).watch(
      `/apis/${API_GROUP}/${API_VERSION}/namespaces/${namespace}/${PLURAL}`,
      {},
      onObject,
      () => undefined,
    );
    return () => {
      controller.abort();
    };
  }
}

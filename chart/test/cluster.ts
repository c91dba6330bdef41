// Integration helpers: the local platform's API server as the admin, unique
// namespaces (they are never deleted: there is no controller-manager), and
// helm/kubectl pointed at it.
import { kubeConfigFor, platformConnection } from "@fleet/local-platform/testing";

export { statusOf } from "@fleet/local-platform/testing";
import { isNotFound } from "@fleet/kube";
import {
  CoreV1Api,
  KubernetesObjectApi,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { helm, runTool, type CommandResult, type Values } from "./helm.js";
import { parseManifests } from "./rendered.js";

export const runId = Date.now().toString(36);

export interface Cluster {
  kc: KubeConfig;
  kubeconfigFile: string;
  core: CoreV1Api;
  objects: KubernetesObjectApi;
}

export async function connectCluster(): Promise<Cluster> {
  const kc = await kubeConfigFor("admin");
  return {
    kc,
    kubeconfigFile: (await platformConnection()).kubeconfig,
    core: kc.makeApiClient(CoreV1Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
  };
}

/** Creates `<prefix>-<runId>`; every run gets fresh namespaces. */
export async function createNamespace(cluster: Cluster, prefix: string): Promise<string> {
  const name = `${prefix}-${runId}`;
  await cluster.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/** helm against the local API server as the admin. */
export async function clusterHelm(
  cluster: Cluster,
  args: readonly string[],
  values?: Values,
): Promise<CommandResult> {
  return helm([...args, "--kubeconfig", cluster.kubeconfigFile], values);
}

export async function clusterHelmOk(
  cluster: Cluster,
  args: readonly string[],
  values?: Values,
): Promise<CommandResult> {
  const result = await clusterHelm(cluster, args, values);
  if (result.exitCode !== 0) {
    throw new Error(`helm ${args.join(" ")} exited ${result.exitCode}:\n${result.all}`);
  }
  return result;
}

export async function clusterKubectl(
  cluster: Cluster,
  args: readonly string[],
  input?: string,
): Promise<CommandResult> {
  return runTool("kubectl", [...args, "--kubeconfig", cluster.kubeconfigFile], input);
}

/** The objects of an installed release, from `helm get manifest`. */
export async function releaseObjects(
  cluster: Cluster,
  release: string,
  namespace: string,
): Promise<KubernetesObject[]> {
  const result = await clusterHelmOk(cluster, ["get", "manifest", release, "-n", namespace]);
  return parseManifests(result.stdout);
}

/** Reads an object back from the API server; undefined when it is gone (404). */
export async function readBack(
  cluster: Cluster,
  object: KubernetesObject,
): Promise<KubernetesObject | undefined> {
  const { apiVersion, kind, metadata } = object;
  const name = metadata?.name ?? "";
  const namespace = metadata?.namespace;
  try {
    return await cluster.objects.read({
      apiVersion,
      kind,
      metadata: namespace === undefined ? { name } : { name, namespace },
    });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

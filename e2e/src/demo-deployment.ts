// A deployment a spec drives on a demo device: its container there, and the
// clean-up that leaves nothing behind (its container would hold the host port
// for the next run).
import { desiredStateKey, type DesiredStateKeyParts } from "@fleet/contracts";
import type { PodmanApi } from "@fleet/demo";
import { DeploymentClient } from "@fleet/kube";
import { kubeConfigFor, waitUntil } from "@fleet/local-platform/testing";

/** The running container of the deployment on its device, if any. */
export async function runningContainerOf(
  podman: PodmanApi,
  target: DesiredStateKeyParts,
): Promise<string | undefined> {
  const key = desiredStateKey(target);
  const containers = await podman.containersOf(target.device);
  return containers.find((c) => c.deploymentKey === key && c.state === "running")?.id;
}

/** Deletes the deployment if it is still there, then waits until its container is gone. */
export async function removeDeployment(
  podman: PodmanApi,
  target: DesiredStateKeyParts,
): Promise<void> {
  const admin = DeploymentClient.forKubeConfig(await kubeConfigFor("admin"));
  await admin.deleteIfPresent(target.namespace, target.name);
  await waitUntil(async () => (await runningContainerOf(podman, target)) === undefined, {
    what: `no container left for ${desiredStateKey(target)}`,
    timeoutMs: 60_000,
  });
}

// Test helpers for the podman side, over the same platform socket the agent
// uses: find a device's containers by the agent's labels, and clean them up.
import { LABELS, ownerLabels } from "@fleet/contracts";
import { PodmanClient } from "../podman/client.js";
import {
  inspectContainer,
  listContainers,
  removeContainer,
  type ContainerSummary,
} from "../podman/containers.js";

export function deviceContainers(
  podman: PodmanClient,
  device: string,
): Promise<ContainerSummary[]> {
  return listContainers(podman, ownerLabels(device));
}

export async function keyContainers(
  podman: PodmanClient,
  device: string,
  key: string,
): Promise<ContainerSummary[]> {
  return listContainers(podman, { ...ownerLabels(device), [LABELS.deploymentKey]: key });
}

/** The container the agent runs for `key`, and when it started: to show later that it was kept. */
export async function keyContainer(
  podman: PodmanClient,
  device: string,
  key: string,
): Promise<{ id: string; startedAt: string | undefined }> {
  const [container] = await keyContainers(podman, device, key);
  if (container === undefined) throw new Error(`no container for ${key}`);
  return {
    id: container.id,
    startedAt: (await inspectContainer(podman, container.id))?.State.StartedAt,
  };
}

/** Removes every container the agent of `device` created. */
export async function removeDeviceContainers(podman: PodmanClient, device: string): Promise<void> {
  for (const container of await deviceContainers(podman, device)) {
    await removeContainer(podman, container.id);
  }
}

/** GETs the nginx page on a published port; returns the image tag header. */
export async function servedTag(port: number): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  await response.text();
  return response.headers.get("x-fleet-image-tag") ?? undefined;
}

export { PodmanClient };

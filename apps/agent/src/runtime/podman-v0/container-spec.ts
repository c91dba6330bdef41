// Turns one PodmanV0 service of a desired-state entry into a libpod
// SpecGenerator, labelled so the agent can find it and tell its payload.
import { LABELS, containerName, ownerLabels, type PodmanService } from "@fleet/contracts";
import type { ContainerSpec } from "../../podman/containers.js";

export interface SpecInput {
  device: string;
  key: string;
  hash: string;
  service: PodmanService;
}

export function containerSpecFor({ device, key, hash, service }: SpecInput): ContainerSpec {
  const spec: ContainerSpec = {
    name: containerName(key, service.name),
    image: service.image,
    labels: {
      ...ownerLabels(device),
      [LABELS.deploymentKey]: key,
      [LABELS.payloadHash]: hash,
      [LABELS.service]: service.name,
    },
    portmappings: service.ports.map((port) => ({
      host_port: port.hostPort,
      container_port: port.containerPort,
      protocol: port.protocol === "UDP" ? "udp" : "tcp",
    })),
    restart_policy: "no",
  };
  if (service.env !== undefined) spec.env = service.env;
  if (service.command !== undefined) spec.command = service.command;
  return spec;
}

// How agents mark the containers they own, shared by everything that looks at a
// device's containers (the agent, the demo, benchmarks). An agent lists and
// touches only containers carrying managed-by=iot-agent AND its own device id,
// so a second agent on the same host (another device id) and hand-made
// containers are safe.
import { parseDesiredStateKey } from "./keys.js";

export const LABELS = {
  managedBy: "io.nationtech.fleet.managed-by",
  device: "io.nationtech.fleet.device",
  deploymentKey: "io.nationtech.fleet.deployment-key",
  /**
   * sha256 of the workload the container was made from: the desired-state entry's
   * canonical JSON without its revision and generation, so a renumbered entry
   * (same score) restarts nothing. Older agents wrote the hash of the exact bytes.
   */
  payloadHash: "io.nationtech.fleet.payload-hash",
  service: "io.nationtech.fleet.service",
} as const;

export const MANAGED_BY = "iot-agent";

/** The labels every container of this device's agent carries (the list filter). */
export function ownerLabels(device: string): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY, [LABELS.device]: device };
}

export function isOwnedBy(labels: Readonly<Record<string, string>>, device: string): boolean {
  return labels[LABELS.managedBy] === MANAGED_BY && labels[LABELS.device] === device;
}

/**
 * `fleet_<device>_<namespace>_<name>_<service>`. Device, namespace and service
 * are DNS labels and names DNS subdomains, none of which contain '_', so two
 * deployments never map to the same container name.
 */
export function containerName(key: string, service: string): string {
  const { device, namespace, name } = parseDesiredStateKey(key);
  return `fleet_${device}_${namespace}_${name}_${service}`;
}

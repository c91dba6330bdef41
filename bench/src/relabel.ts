// Relabel of many devices at once: a label that a selector Deployment matches
// is added to each (label patches, a bounded number in flight), then removed
// again. Per device, the time from its own label patch being sent to its
// desired-state key of that Deployment being written (placed) or deleted
// (withdrawn), from a KV watch; and the whole batch, first patch to last key.
import type { DesiredKeysWatch } from "./desired-keys-watch.js";
import type { SimDeviceRegistry } from "./sim-device-registry.js";

export interface RelabelTimes {
  /** Per device: label patch sent → key change seen (ms). */
  perDevice: number[];
  /** First label patch sent → last key change seen (ms). */
  wholeBatchMs: number;
  /** First label patch sent → last label patch answered (ms). */
  patchingMs: number;
}

async function timeRelabel(
  registry: SimDeviceRegistry,
  keys: DesiredKeysWatch,
  devices: readonly string[],
  labels: Record<string, string | null>,
  change: "put" | "removed",
  timeoutMs: number,
): Promise<RelabelTimes> {
  const seen = keys.expect(devices, change, timeoutMs);
  const sentAt = new Map<string, number>();
  const started = performance.now();
  await registry.relabel(devices, labels, (name, at) => sentAt.set(name, at));
  const patchingMs = performance.now() - started;
  const arrivals = await seen;
  const perDevice = devices.map(
    (device) => (arrivals.get(device) ?? 0) - (sentAt.get(device) ?? 0),
  );
  return {
    perDevice,
    wholeBatchMs: Math.max(...arrivals.values()) - started,
    patchingMs,
  };
}

/** Adds `label` to `devices`, awaits every key, then removes it and awaits every deletion. */
export async function relabelBothWays(
  registry: SimDeviceRegistry,
  keys: DesiredKeysWatch,
  devices: readonly string[],
  label: { key: string; value: string },
  timeoutMs: number,
): Promise<{ placed: RelabelTimes; withdrawn: RelabelTimes }> {
  const placed = await timeRelabel(
    registry,
    keys,
    devices,
    { [label.key]: label.value },
    "put",
    timeoutMs,
  );
  const withdrawn = await timeRelabel(
    registry,
    keys,
    devices,
    { [label.key]: null },
    "removed",
    timeoutMs,
  );
  return { placed, withdrawn };
}

// What the operator keeps of each Device: only what targeting reads (labels,
// disabled, enrolled), so 50,000 Devices cost a few MB, not the whole objects
// with their status, managedFields and enrollment keys.
import type { DeviceObject } from "@fleet/kube";

export interface DeviceSummary {
  labels: Readonly<Record<string, string>>;
  disabled: boolean;
  /** Has an identity: it can connect, so a selector may place work on it. */
  enrolled: boolean;
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** Reads the summary fields of a Device as the API server sent it (or as projected). */
export function summarizeDevice(device: DeviceObject): DeviceSummary {
  const spec = (device.spec ?? {}) as {
    disabled?: unknown;
    identity?: unknown;
    enrolled?: unknown;
  };
  const labels = device.metadata?.labels;
  return {
    labels: labels === undefined || Object.keys(labels).length === 0 ? NO_LABELS : labels,
    disabled: spec.disabled === true,
    enrolled: spec.enrolled === true || (spec.identity !== undefined && spec.identity !== null),
  };
}

/**
 * The projection the Device watch caches: name, labels and the two flags in
 * place of the spec. Idempotent (a projection projects to itself), because a
 * paged list applies it before the watch does.
 */
export function projectDevice(device: DeviceObject): DeviceObject {
  const { disabled, enrolled } = summarizeDevice(device);
  const labels = device.metadata?.labels;
  return {
    metadata: { name: device.metadata?.name ?? "", ...(labels === undefined ? {} : { labels }) },
    spec: { disabled, enrolled },
  };
}

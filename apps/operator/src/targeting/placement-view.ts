// The placement as the status side reads it (status/deployment-registry.ts):
// the device -> CRs index, and each CR's placed devices with their keys. The
// targets list is rebuilt only when the CR's placement changed: the flusher
// reads it up to once a second per CR, 50,000 entries at fleet scale.
import { desiredStateKey, type AggregateTarget } from "@fleet/contracts";
import type { PlacementView } from "../status/deployment-registry.js";
import type { Placement } from "./placement.js";

function buildTargets(key: string, devices: ReadonlySet<string>): AggregateTarget[] {
  const first = devices.values().next();
  if (first.done === true) return [];
  const [namespace = "", name = ""] = key.split("/");
  // Every key of a CR ends the same way: encode (and check) that part once.
  const suffix = desiredStateKey({ device: first.value, namespace, name }).slice(
    first.value.length,
  );
  return Array.from(devices, (device) => ({ device, key: device + suffix }));
}

export function placementView(placement: Placement): PlacementView {
  const built = new Map<string, { version: number; targets: readonly AggregateTarget[] }>();
  return {
    deploymentsOn: (device) => placement.deploymentsOn(device),
    conflictOf: (key) => placement.conflictOf(key),
    targetsOf(key) {
      const version = placement.versionOf(key);
      if (version === undefined) {
        built.delete(key);
        return [];
      }
      const cached = built.get(key);
      if (cached?.version === version) return cached.targets;
      const targets = buildTargets(key, placement.placedOf(key));
      built.set(key, { version, targets });
      // Drop the lists of CRs that are gone (their status is never built again).
      if (built.size > placement.deploymentCount)
        for (const other of built.keys()) if (!placement.has(other)) built.delete(other);
      return targets;
    },
  };
}

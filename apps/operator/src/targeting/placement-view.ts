// The placement as the status side reads it (status/deployment-registry.ts):
// the device -> CRs index, and each CR's placed devices with their keys.
import { desiredStateKey } from "@fleet/contracts";
import type { PlacementView } from "../status/deployment-registry.js";
import type { Placement } from "./placement.js";

export function placementView(placement: Placement): PlacementView {
  return {
    deploymentsOn: (device) => placement.deploymentsOn(device),
    conflictOf: (key) => placement.conflictOf(key),
    targetsOf(key) {
      const devices = placement.placedOf(key);
      const first = devices.values().next();
      if (first.done === true) return [];
      const [namespace = "", name = ""] = key.split("/");
      // Every key of a CR ends the same way: encode (and check) that part once.
      const suffix = desiredStateKey({ device: first.value, namespace, name }).slice(
        first.value.length,
      );
      return Array.from(devices, (device) => ({ device, key: device + suffix }));
    },
  };
}

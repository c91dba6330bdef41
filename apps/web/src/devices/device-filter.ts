// The Devices page's filter: a label selector in kubectl's syntax (the
// contracts' parser and matching rule, the operator's own) and a phase. Empty
// fields filter nothing; a selector that cannot be parsed is an error for its
// field, and the list stays as it was meanwhile.
import {
  matchesSelector,
  parseLabelSelector,
  type DevicePhase,
  type LabelSelector,
} from "@fleet/contracts";
import type { RegisteredDevice } from "./device-rows";

export interface DeviceFilterValues {
  /** kubectl syntax, e.g. `site=berlin,tier in (edge,core),!legacy`. */
  selector: string;
  /** "" for every phase. */
  phase: DevicePhase | "";
}

export const NO_FILTER: DeviceFilterValues = { selector: "", phase: "" };

export type DeviceFilter =
  | { ok: true; matches: (device: RegisteredDevice) => boolean }
  | { ok: false; field: "selector"; error: string };

export function deviceFilter(values: DeviceFilterValues): DeviceFilter {
  let selector: LabelSelector | undefined;
  if (values.selector.trim() !== "") {
    try {
      selector = parseLabelSelector(values.selector);
    } catch (error) {
      return {
        ok: false,
        field: "selector",
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }
  const { phase } = values;
  return {
    ok: true,
    matches: (device) =>
      (phase === "" || device.phase === phase) &&
      (selector === undefined || matchesSelector(selector, device.labels)),
  };
}

// `device list` as a kubectl-style table: one row per Device with its phase
// (from its spec, so it is current even before iot-identity wrote status),
// whether the operator last saw it online, its identity and its labels.
import { devicePhaseOf, type DeviceResource } from "@fleet/contracts";
import { labelsText, plainTable } from "../cli/table.js";

const HEAD = ["ID", "PHASE", "ONLINE", "USER ID", "KEY ID", "LABELS"];

/** Approved but still waiting for iot-identity to issue its identity. */
function phaseText(device: DeviceResource): string {
  const phase = devicePhaseOf(device.spec);
  return phase === "PendingApproval" && device.spec.approved ? "PendingApproval (approved)" : phase;
}

/** The operator's word (status.connectivity); a dash until it has seen the device. */
function onlineText(device: DeviceResource): string {
  const connectivity = device.status?.connectivity;
  if (connectivity === undefined) return "-";
  return connectivity === "Online" ? "yes" : "no";
}

/** The table's text with a trailing newline; a sentence when there is no device. */
export function deviceTable(devices: readonly DeviceResource[]): string {
  if (devices.length === 0) return "no devices\n";
  return plainTable(
    HEAD,
    devices.map((device) => [
      device.metadata.name,
      phaseText(device),
      onlineText(device),
      device.spec.identity?.userId ?? "-",
      device.spec.identity?.keyId ?? "-",
      labelsText(device.metadata.labels),
    ]),
  );
}

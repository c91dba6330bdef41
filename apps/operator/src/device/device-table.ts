// `device list` as a kubectl-style table (no borders, columns padded), drawn
// by cli-table3; colours off, so piped output stays plain text.
import type { DeviceResource } from "@fleet/contracts";
import Table from "cli-table3";

const HEAD = ["ID", "DISABLED", "USER ID", "KEY ID", "LABELS"];

// Every border character empty, and one space between columns: kubectl's look.
const borderless = Object.fromEntries(
  [
    "top",
    "top-mid",
    "top-left",
    "top-right",
    "bottom",
    "bottom-mid",
    "bottom-left",
    "bottom-right",
    "left",
    "left-mid",
    "mid",
    "mid-mid",
    "right",
    "right-mid",
  ].map((name) => [name, ""]),
);

function labelsText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0 ? "-" : entries.map(([key, value]) => `${key}=${value}`).join(",");
}

/** The table's text with a trailing newline; a sentence when there is no device. */
export function deviceTable(devices: readonly DeviceResource[]): string {
  if (devices.length === 0) return "no devices\n";
  const table = new Table({
    head: HEAD,
    chars: { ...borderless, middle: "  " },
    style: { "padding-left": 0, "padding-right": 0, head: [], border: [] },
  });
  for (const device of devices) {
    table.push([
      device.metadata.name,
      device.spec.disabled ? "yes" : "no",
      device.spec.identity?.userId ?? "-",
      device.spec.identity?.keyId ?? "-",
      labelsText(device.metadata.labels),
    ]);
  }
  // cli-table3 pads the last column too; trim each line's trailing spaces.
  return `${table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")}\n`;
}

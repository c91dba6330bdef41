// kubectl-style tables for the CLI's `list` commands (no borders, columns
// padded), drawn by cli-table3; colours off, so piped output stays plain text.
import Table from "cli-table3";

// Every border character empty, and two spaces between columns: kubectl's look.
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

/** The table's text with a trailing newline. */
export function plainTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({
    head: [...head],
    chars: { ...borderless, middle: "  " },
    style: { "padding-left": 0, "padding-right": 0, head: [], border: [] },
  });
  for (const row of rows) table.push([...row]);
  // cli-table3 pads the last column too; trim each line's trailing spaces.
  return `${table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")}\n`;
}

/** `k=v,k2=v2` sorted by key (as kubectl shows them), or a dash when there are none. */
export function labelsText(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "-" : entries.map(([key, value]) => `${key}=${value}`).join(",");
}

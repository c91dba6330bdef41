// The add-device form's values: an id and labels typed as `key=value` items
// (comma or newline separated), turned into the tRPC input and validated with
// its schema; each issue lands on its field.
import { deviceLabelsSchema } from "@fleet/contracts";
import { addDeviceInput, type AddDeviceInput } from "./inputs";

export interface AddDeviceValues {
  id: string;
  labels: string;
}

export type AddDeviceField = "id" | "labels" | "form";
export type AddDeviceErrors = Partial<Record<AddDeviceField, string>>;

export type ValidatedDevice =
  { ok: true; input: AddDeviceInput } | { ok: false; errors: AddDeviceErrors };

/** `a=1, b=2` → { a: "1", b: "2" }; the first item without '=' is the error. */
export function parseLabels(
  text: string,
): { ok: true; labels: Record<string, string> } | { ok: false; error: string } {
  const labels: Record<string, string> = {};
  for (const item of text.split(/[,\n]/).map((part) => part.trim())) {
    if (item === "") continue;
    const equals = item.indexOf("=");
    if (equals < 0) return { ok: false, error: `"${item}" must be key=value, such as site=berlin` };
    const key = item.slice(0, equals).trim();
    if (Object.hasOwn(labels, key)) return { ok: false, error: `label "${key}" is given twice` };
    labels[key] = item.slice(equals + 1).trim();
  }
  return { ok: true, labels };
}

/** Labels text checked with the contracts' schema; the error names the label. */
export function validateLabels(
  text: string,
): { ok: true; labels: Record<string, string> } | { ok: false; error: string } {
  const parsed = parseLabels(text);
  if (!parsed.ok) return parsed;
  const checked = deviceLabelsSchema.safeParse(parsed.labels);
  if (checked.success) return { ok: true, labels: checked.data };
  const [issue] = checked.error.issues;
  const key = issue?.path[0] === undefined ? "" : `${String(issue.path[0])}: `;
  return { ok: false, error: `${key}${issue?.message ?? "invalid labels"}` };
}

/** `{ a: "1", b: "2" }` → `a=1, b=2`, the text parseLabels reads back. */
export const labelsText = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(", ");

/** An issue path (`id`, `labels.site`) to its form field. */
export function deviceFieldFor(path: readonly PropertyKey[]): AddDeviceField {
  const [head] = path;
  return head === "id" || head === "labels" ? head : "form";
}

export function validateDevice(values: AddDeviceValues): ValidatedDevice {
  const labels = parseLabels(values.labels);
  if (!labels.ok) return { ok: false, errors: { labels: labels.error } };
  const parsed = addDeviceInput.safeParse({ id: values.id.trim(), labels: labels.labels });
  if (parsed.success) return { ok: true, input: parsed.data };
  const errors: AddDeviceErrors = {};
  for (const issue of parsed.error.issues) {
    const field = deviceFieldFor(issue.path);
    const key = field === "labels" && issue.path.length > 1 ? `${String(issue.path[1])}: ` : "";
    errors[field] ??= `${key}${issue.message}`;
  }
  return { ok: false, errors };
}

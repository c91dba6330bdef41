// The new-deployment form's values, turned into the tRPC input and validated
// with the same contracts schemas the server uses; issues land on their field.
// A deployment targets either a list of devices or a label selector (never
// both: the contracts refuse that), written in kubectl's syntax or as rows of
// label = value. Rollout settings (spec.rollout) are optional: see rollout-form.ts.
import { parseLabelSelector, type LabelSelector } from "@fleet/contracts";
import type { z } from "zod";
import { createDeploymentInput, NGINX_PRESET } from "./inputs";
import {
  initialRolloutValues,
  readRollout,
  rolloutIssue,
  type RolloutField,
  type RolloutFormValues,
} from "./rollout-form";

export type Targeting = "devices" | "selector";
/** How the selector is written: kubectl text, or matchLabels rows. */
export type SelectorMode = "text" | "labels";

export interface LabelRow {
  key: string;
  value: string;
}

export interface FormValues {
  name: string;
  namespace: string;
  image: string;
  hostPort: string;
  containerPort: string;
  targeting: Targeting;
  targetDevices: string[];
  selectorMode: SelectorMode;
  /** kubectl syntax, e.g. `app=kiosk,region in (eu,us),!legacy`. */
  selectorText: string;
  labelRows: LabelRow[];
  rollout: RolloutFormValues;
}

export type FieldName =
  | "name"
  | "namespace"
  | "image"
  | "hostPort"
  | "containerPort"
  | "targetDevices"
  | "targetSelector"
  | RolloutField;
export type FieldErrors = Partial<Record<FieldName | "form", string>>;

export const initialValues = (): FormValues => ({
  name: NGINX_PRESET.name,
  namespace: NGINX_PRESET.namespace,
  image: NGINX_PRESET.image,
  hostPort: String(NGINX_PRESET.hostPort),
  containerPort: String(NGINX_PRESET.containerPort),
  targeting: "devices",
  targetDevices: [],
  selectorMode: "text",
  selectorText: "",
  labelRows: [{ key: "", value: "" }],
  rollout: initialRolloutValues(),
});

/** The selector the form's rows describe; rows left blank are ignored, the schema checks the rest. */
function selectorOfRows(rows: readonly LabelRow[]): LabelSelector {
  const matchLabels: Record<string, string> = {};
  for (const row of rows) {
    if (row.key.trim() === "" && row.value.trim() === "") continue;
    matchLabels[row.key.trim()] = row.value.trim();
  }
  return { matchLabels };
}

export type SelectorReading = { ok: true; selector: LabelSelector } | { ok: false; error: string };

/**
 * The selector as written, parsed with the contracts' kubectl parser (its
 * errors name the position) or built from the rows. Rows are checked by the
 * schema when the form is validated, so their issues land on the field too.
 */
export function readSelector(values: FormValues): SelectorReading {
  if (values.selectorMode === "labels")
    return { ok: true, selector: selectorOfRows(values.labelRows) };
  try {
    return { ok: true, selector: parseLabelSelector(values.selectorText) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Service names are DNS labels; derive one from the deployment name. */
const serviceName = (name: string): string => name.replaceAll(".", "-").slice(0, 63) || "main";

const toPort = (value: string): number => (value.trim() === "" ? Number.NaN : Number(value));

/** Both ports left blank: a service that publishes none (several devices may share one host). */
function portsOf(values: FormValues): { hostPort: number; containerPort: number }[] {
  if (values.hostPort.trim() === "" && values.containerPort.trim() === "") return [];
  return [{ hostPort: toPort(values.hostPort), containerPort: toPort(values.containerPort) }];
}

function targetsOf(
  values: FormValues,
  selector: LabelSelector | undefined,
): { targetDevices: string[] } | { targetSelector: LabelSelector | undefined } {
  return values.targeting === "devices"
    ? { targetDevices: values.targetDevices }
    : { targetSelector: selector };
}

export function toInput(
  values: FormValues,
  selector?: LabelSelector,
): z.input<typeof createDeploymentInput> {
  const { rollout } = readRollout(values.rollout);
  return {
    name: values.name.trim(),
    namespace: values.namespace.trim(),
    spec: {
      ...targetsOf(values, selector),
      score: {
        PodmanV0: {
          services: [
            {
              name: serviceName(values.name.trim()),
              image: values.image.trim(),
              ports: portsOf(values),
            },
          ],
        },
      },
      ...(rollout !== undefined && { rollout }),
    },
  };
}

/** Maps an issue path ("spec.score.PodmanV0.services.0.ports.0.hostPort") to the form field. */
export function fieldFor(path: readonly PropertyKey[]): FieldName | "form" {
  const [head] = path;
  if (head === "name" || head === "namespace") return head;
  if (path.includes("targetDevices")) return "targetDevices";
  if (path.includes("targetSelector")) return "targetSelector";
  if (path.includes("hostPort")) return "hostPort";
  if (path.includes("containerPort")) return "containerPort";
  if (path.includes("image")) return "image";
  if (path.includes("services")) return "name";
  return "form";
}

export function fieldErrorsFrom(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const rollout = rolloutIssue(issue.path, issue.message);
    if (rollout !== undefined) errors[rollout.field] ??= rollout.message;
    else errors[fieldFor(issue.path)] ??= issue.message;
  }
  return errors;
}

export type Validated =
  { ok: true; input: z.output<typeof createDeploymentInput> } | { ok: false; errors: FieldErrors };

export function validate(values: FormValues): Validated {
  const reading = values.targeting === "selector" ? readSelector(values) : undefined;
  const parsed = createDeploymentInput.safeParse(
    toInput(values, reading?.ok === true ? reading.selector : undefined),
  );
  // The form's own reading of a field (a selector's syntax, a batch list) says
  // more than the schema's "required" for the value it could not build.
  const own: FieldErrors = { ...readRollout(values.rollout).errors };
  if (reading?.ok === false) own.targetSelector = reading.error;
  if (parsed.success && Object.keys(own).length === 0) return { ok: true, input: parsed.data };
  const errors = parsed.success ? {} : fieldErrorsFrom(parsed.error.issues);
  return { ok: false, errors: { ...errors, ...own } };
}

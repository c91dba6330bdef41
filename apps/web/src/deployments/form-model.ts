// The new-deployment form's values, turned into the tRPC input and validated
// with the same contracts schemas the server uses; issues land on their field.
import type { z } from "zod";
import { createDeploymentInput, NGINX_PRESET } from "./inputs";

export interface FormValues {
  name: string;
  namespace: string;
  image: string;
  hostPort: string;
  containerPort: string;
  targetDevices: string[];
}

export type FieldName =
  "name" | "namespace" | "image" | "hostPort" | "containerPort" | "targetDevices";
export type FieldErrors = Partial<Record<FieldName | "form", string>>;

export const initialValues = (): FormValues => ({
  name: NGINX_PRESET.name,
  namespace: NGINX_PRESET.namespace,
  image: NGINX_PRESET.image,
  hostPort: String(NGINX_PRESET.hostPort),
  containerPort: String(NGINX_PRESET.containerPort),
  targetDevices: [],
});

/** Service names are DNS labels; derive one from the deployment name. */
const serviceName = (name: string): string => name.replaceAll(".", "-").slice(0, 63) || "main";

const toPort = (value: string): number => (value.trim() === "" ? Number.NaN : Number(value));

export function toInput(values: FormValues): z.input<typeof createDeploymentInput> {
  return {
    name: values.name.trim(),
    namespace: values.namespace.trim(),
    spec: {
      targetDevices: values.targetDevices,
      score: {
        PodmanV0: {
          services: [
            {
              name: serviceName(values.name.trim()),
              image: values.image.trim(),
              ports: [
                { hostPort: toPort(values.hostPort), containerPort: toPort(values.containerPort) },
              ],
            },
          ],
        },
      },
    },
  };
}

/** Maps an issue path ("spec.score.PodmanV0.services.0.ports.0.hostPort") to the form field. */
export function fieldFor(path: readonly PropertyKey[]): FieldName | "form" {
  const [head] = path;
  if (head === "name" || head === "namespace") return head;
  if (path.includes("targetDevices")) return "targetDevices";
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
    const field = fieldFor(issue.path);
    errors[field] ??= issue.message;
  }
  return errors;
}

export type Validated =
  { ok: true; input: z.output<typeof createDeploymentInput> } | { ok: false; errors: FieldErrors };

export function validate(values: FormValues): Validated {
  const parsed = createDeploymentInput.safeParse(toInput(values));
  return parsed.success
    ? { ok: true, input: parsed.data }
    : { ok: false, errors: fieldErrorsFrom(parsed.error.issues) };
}

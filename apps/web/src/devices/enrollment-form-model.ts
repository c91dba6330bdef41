// The "Add device" form: the values of a new enrollment token (labels for the
// devices it enrolls, expiry in hours, how many devices may use it,
// auto-approve, a description), turned into the tRPC input and validated with
// its schema; each problem lands on its field, named.
import { validateLabels } from "./form-model";
import { createEnrollmentTokenInput, type CreateEnrollmentTokenInput } from "./inputs";

export interface EnrollmentFormValues {
  labels: string;
  /** Hours; empty for a token that does not expire. */
  expiresInHours: string;
  maxUses: string;
  autoApprove: boolean;
  description: string;
}

export type EnrollmentField = "labels" | "expiresInHours" | "maxUses" | "description" | "form";
export type EnrollmentErrors = Partial<Record<EnrollmentField, string>>;

/** Single use, valid for a day: the safe default a deployer widens on purpose. */
export const DEFAULT_ENROLLMENT_VALUES: EnrollmentFormValues = {
  labels: "",
  expiresInHours: "24",
  maxUses: "1",
  autoApprove: false,
  description: "",
};

export type ValidatedEnrollment =
  { ok: true; input: CreateEnrollmentTokenInput } | { ok: false; errors: EnrollmentErrors };

/** "12" → 12; anything but digits is kept as text so the schema names it. */
function wholeNumber(text: string): number | string {
  const trimmed = text.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** An issue path of the tRPC input to its form field. */
export function enrollmentFieldFor(path: readonly PropertyKey[]): EnrollmentField {
  const [head] = path;
  return head === "labels" ||
    head === "expiresInHours" ||
    head === "maxUses" ||
    head === "description"
    ? head
    : "form";
}

export function validateEnrollment(values: EnrollmentFormValues): ValidatedEnrollment {
  const errors: EnrollmentErrors = {};
  const labels = validateLabels(values.labels);
  if (!labels.ok) errors.labels = labels.error;
  const expires = values.expiresInHours.trim();
  if (values.maxUses.trim() === "") errors.maxUses = "is required (1 for a single device)";
  const description = values.description.trim();
  const parsed = createEnrollmentTokenInput.safeParse({
    labels: labels.ok ? labels.labels : {},
    ...(expires === "" ? {} : { expiresInHours: wholeNumber(expires) }),
    maxUses: wholeNumber(values.maxUses),
    autoApprove: values.autoApprove,
    ...(description === "" ? {} : { description }),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = enrollmentFieldFor(issue.path);
      // zod says "expected number, received string" for "abc": say what is wanted instead.
      const message =
        issue.code === "invalid_type" && (field === "expiresInHours" || field === "maxUses")
          ? "must be a whole number"
          : issue.message;
      errors[field] ??= message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, input: parsed.data };
}

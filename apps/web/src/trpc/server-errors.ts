// What a failed tRPC call told the browser: the input's field errors (path ->
// message, from the server's errorFormatter) or one message for the form.
import { TRPCClientError } from "@trpc/client";

export interface ServerErrors {
  /** Input path ("spec.targetDevices.0", "labels.site") -> message; only for invalid input. */
  fieldErrors?: Record<string, string> | undefined;
  message: string;
}

export function serverErrorsOf(error: unknown): ServerErrors | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  const fieldErrors =
    typeof data === "object" && data !== null && "fieldErrors" in data
      ? (data.fieldErrors as Record<string, string> | undefined)
      : undefined;
  return { fieldErrors, message: error.message };
}

/**
 * A failed call as a form's errors: each field error on the field its input
 * path belongs to (the first one wins), or the message under the whole form.
 */
export function formErrorsOf<Field extends string>(
  error: unknown,
  fieldFor: (path: readonly string[]) => Field | "form",
): Partial<Record<Field | "form", string>> | undefined {
  const server = serverErrorsOf(error);
  if (!server) return undefined;
  const errors: Partial<Record<Field | "form", string>> = {};
  if (!server.fieldErrors) {
    errors.form = server.message;
    return errors;
  }
  for (const [path, message] of Object.entries(server.fieldErrors))
    errors[fieldFor(path.split("."))] ??= message;
  return errors;
}

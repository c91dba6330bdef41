// What a browser may learn from a failed tRPC call: for invalid input, the
// failing field paths and their messages; for a deliberate error (403, 404, 409,
// a Kubernetes field rejection), its message; for anything unexpected, a
// reference to the server's log line, never the exception's own text (which can
// carry hostnames, file paths, tokens or library internals).
import { randomUUID } from "node:crypto";
import type { TRPCError } from "@trpc/server";
import { ZodError } from "zod";

export interface ClientError {
  message: string;
  /** Input path ("spec.targetDevices.0") -> message; only for invalid input. */
  fieldErrors?: Record<string, string>;
  /** Quoted in the server log next to the full error. */
  reference?: string;
}

export function clientError(
  error: TRPCError,
  logUnexpected: (reference: string, error: TRPCError) => void,
): ClientError {
  if (error.cause instanceof ZodError) {
    const fieldErrors = Object.fromEntries(
      error.cause.issues.map((issue) => [issue.path.join("."), issue.message]),
    );
    const summary = Object.entries(fieldErrors)
      .map(([path, message]) => (path === "" ? message : `${path}: ${message}`))
      .join("; ");
    return { message: `Invalid input: ${summary}`, fieldErrors };
  }
  if (error.code !== "INTERNAL_SERVER_ERROR") return { message: error.message };
  const reference = randomUUID();
  logUnexpected(reference, error);
  return {
    message: `The dashboard could not complete this request (reference ${reference} in its log)`,
    reference,
  };
}

// Shared encode/decode plumbing for KV payloads: validate with a schema, write
// canonical JSON bytes, and turn every failure into a PayloadError that names
// the field, so no caller ever sees a raw ZodError or SyntaxError.
import { type z } from "zod";
import { canonicalJson } from "./canonical-json.js";
import { formatIssues, issuesFromZodError, PayloadError } from "./errors.js";

const encoder = new TextEncoder();
// fatal: invalid UTF-8 is rejected instead of silently becoming U+FFFD.
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Parses `value` with `schema` or throws a PayloadError prefixed with `what`. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new PayloadError(
      `invalid ${what}: ${formatIssues(result.error)}`,
      issuesFromZodError(result.error),
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}

/**
 * Validates (applying defaults, dropping unknown fields) and then writes canonical
 * JSON, so two inputs that mean the same thing always give the same bytes.
 */
export function encodePayload<S extends z.ZodType>(
  schema: S,
  value: z.input<S>,
  what: string,
): Uint8Array {
  return encoder.encode(canonicalJson(parseOrThrow(schema, value, what)));
}

/** Decodes UTF-8 JSON bytes and validates them; throws PayloadError on any failure. */
export function decodePayload<S extends z.ZodType>(
  schema: S,
  bytes: Uint8Array,
  what: string,
): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new PayloadError(
      `invalid ${what}: not JSON (${detail})`,
      [{ path: "(root)", message: "not JSON" }],
      {
        cause,
      },
    );
  }
  return parseOrThrow(schema, json, what);
}

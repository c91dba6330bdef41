// Tells a status patch the API server will never accept (this body is too
// large, or invalid) from one that may succeed on retry (timeout, 5xx, network),
// so the flusher does not resend the same rejected body forever.
import { ApiException } from "@kubernetes/client-node";

export type PatchFailure = "too-large" | "invalid" | "transient";

function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  try {
    return JSON.stringify(body);
  } catch {
    return "";
  }
}

/**
 * 413 is the API server's own request limit; etcd's object limit comes back as
 * a 500 whose message says "request is too large"; 422/400 are validation.
 */
export function classifyPatchFailure(error: unknown): PatchFailure {
  if (!(error instanceof ApiException)) return "transient";
  const code: number = error.code;
  const text = bodyText(error.body);
  if (code === 413 || /too large/i.test(text)) return "too-large";
  if (code === 422 || code === 400) return "invalid";
  return "transient";
}

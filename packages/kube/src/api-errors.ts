// What the API server answered to a failed client-node call, by HTTP status,
// never by message text: one home for "is this a 404" and its kin.
import { ApiException } from "@kubernetes/client-node";

/** The HTTP status of a failed client-node call; undefined for anything else (network, bugs). */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

export const isNotFound = (error: unknown): boolean => httpStatusOf(error) === 404;
export const isConflict = (error: unknown): boolean => httpStatusOf(error) === 409;
/** 422: the object is invalid, or a JSON patch "test" op failed (it changed underneath us). */
export const isUnprocessable = (error: unknown): boolean => httpStatusOf(error) === 422;

/** The `message` of the Status the API server answered (e.g. why RBAC refused), if it sent one. */
export function apiStatusMessage(error: unknown): string | undefined {
  if (!(error instanceof ApiException)) return undefined;
  let body: unknown = error.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof body !== "object" || body === null || !("message" in body)) return undefined;
  return typeof body.message === "string" ? body.message : undefined;
}

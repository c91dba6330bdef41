// HTTP status of a failed client-node call, without matching message text.
import { ApiException } from "@kubernetes/client-node";

export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  return undefined;
}

export const isNotFound = (error: unknown): boolean => httpStatusOf(error) === 404;
export const isConflict = (error: unknown): boolean => httpStatusOf(error) === 409;
/** 422 on a JSON patch "test" op that failed: the object changed underneath us. */
export const isUnprocessable = (error: unknown): boolean => httpStatusOf(error) === 422;

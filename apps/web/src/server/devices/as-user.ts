// Runs one of the Devices page's requests and turns what went wrong into a
// tRPC error a person can act on: provisioning's own failures keep their
// message, Kubernetes refusals name the action (kube-errors.ts).
import { isProvisioningError, type ProvisioningFailure } from "@fleet/provisioning";
import { ApiException } from "@kubernetes/client-node";
import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { toTrpcError, type KubeAction } from "../kube/kube-errors";

const FAILURE_CODES = {
  exists: "CONFLICT",
  "not-found": "NOT_FOUND",
  "no-identity": "PRECONDITION_FAILED",
  invalid: "BAD_REQUEST",
  "not-pending": "PRECONDITION_FAILED",
  conflict: "CONFLICT",
} as const satisfies Record<ProvisioningFailure, TRPC_ERROR_CODE_KEY>;

function toError(error: unknown, action: KubeAction): unknown {
  if (isProvisioningError(error))
    return new TRPCError({
      code: FAILURE_CODES[error.reason],
      message: error.message,
      cause: error,
    });
  // Anything else (the IdP, a failed undo) is logged with a reference; its text stays on the server.
  return error instanceof ApiException ? toTrpcError(error, action) : error;
}

export async function asUser<T>(action: KubeAction, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toError(error, action);
  }
}

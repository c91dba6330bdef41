// Kubernetes API errors as tRPC errors with messages a person can act on.
import { ApiException } from "@kubernetes/client-node";
import { TRPCError } from "@trpc/server";
import { z } from "zod";

export interface KubeAction {
  verb: "list" | "get" | "create" | "update" | "delete";
  /** What is acted on; deployments unless said otherwise. */
  kind?: "deployment" | "device" | "enrollment token";
  namespace?: string;
  name?: string;
}

const statusSchema = z.looseObject({
  message: z.string().optional(),
  details: z
    .looseObject({
      causes: z
        .array(z.looseObject({ field: z.string().optional(), message: z.string().optional() }))
        .optional(),
    })
    .optional(),
});

function apiStatus(body: unknown): z.output<typeof statusSchema> | undefined {
  const value: unknown = typeof body === "string" ? safeJson(body) : body;
  const parsed = statusSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function target(action: KubeAction): string {
  const where = action.namespace ? ` in namespace "${action.namespace}"` : "";
  const kind = action.kind ?? "deployment";
  return action.name ? `${kind} "${action.name}"${where}` : `${kind}s${where}`;
}

/** 403 -> FORBIDDEN, 404 -> NOT_FOUND, 409 -> CONFLICT, 422 -> BAD_REQUEST with the field message. */
export function toTrpcError(error: unknown, action: KubeAction): TRPCError {
  if (!(error instanceof ApiException)) {
    return new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: "Kubernetes request failed",
      cause: error,
    });
  }
  const status = apiStatus(error.body);
  const cause = error;
  switch (error.code) {
    case 401:
      // Requests carry the user's own ID token: the API server no longer accepts it.
      return new TRPCError({
        code: "UNAUTHORIZED",
        message: "Kubernetes no longer accepts your sign-in; sign in again",
        cause,
      });
    case 403:
      return new TRPCError({
        code: "FORBIDDEN",
        message: `You may not ${action.verb} ${target(action)} (Kubernetes RBAC)`,
        cause,
      });
    case 404:
      return new TRPCError({ code: "NOT_FOUND", message: `${target(action)} not found`, cause });
    case 409:
      return action.verb === "create"
        ? new TRPCError({ code: "CONFLICT", message: `${target(action)} already exists`, cause })
        : new TRPCError({
            code: "CONFLICT",
            message: `${target(action)} changed meanwhile; reload and try again`,
            cause,
          });
    case 422: {
      const fields =
        status?.details?.causes?.map((c) => [c.field, c.message].filter(Boolean).join(": ")) ?? [];
      const message =
        fields.length > 0 ? fields.join("; ") : (status?.message ?? "rejected by the API server");
      return new TRPCError({ code: "BAD_REQUEST", message, cause });
    }
    default:
      return new TRPCError({
        code: "INTERNAL_SERVER_ERROR",
        message: `Kubernetes answered ${error.code}${status?.message ? `: ${status.message}` : ""}`,
        cause,
      });
  }
}

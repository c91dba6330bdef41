// tRPC context and procedures. The context carries the signed-in user (or null)
// and the services; routers never read cookies or env themselves.
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { SessionUser } from "../auth/roles";
import type { Services } from "../services";

export interface TRPCContext {
  user: SessionUser | null;
  services: Services;
}

const t = initTRPC.context<TRPCContext>().create({
  errorFormatter({ shape, error }) {
    // Field-level messages for the form, keyed by the input path ("spec.targetDevices").
    const fieldErrors =
      error.cause instanceof ZodError
        ? Object.fromEntries(
            error.cause.issues.map((issue) => [issue.path.join("."), issue.message]),
          )
        : undefined;
    return { ...shape, data: { ...shape.data, fieldErrors } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure;

/** Any signed-in user; 401 without a session. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user)
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to use the dashboard" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

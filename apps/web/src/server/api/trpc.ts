// tRPC context and procedures. The context carries the signed-in user (or null)
// and the services; routers never read cookies or env themselves.
import { initTRPC, TRPCError } from "@trpc/server";
import { logger } from "../../logger";
import type { SignedInUser } from "../auth/signed-in-user";
import type { Services } from "../services";
import { clientError } from "./client-error";

export interface TRPCContext {
  /** Carries the user's ID token for services.deploymentsAs; never return it to a client. */
  user: SignedInUser | null;
  services: Services;
}

const t = initTRPC.context<TRPCContext>().create({
  // Subscriptions (server-sent events): pings keep idle streams open through
  // proxies; each stream ends after 5 min and the browser reconnects, so a
  // stream never outlives the session that opened it by more than that.
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    maxDurationMs: 5 * 60_000,
    client: { reconnectAfterInactivityMs: 25_000 },
  },
  errorFormatter({ shape, error }) {
    const safe = clientError(error, (reference, unexpected) => {
      logger().error({ err: unexpected, reference, path: shape.data.path }, "tRPC call failed");
    });
    // No stack, and no internal text in `message`: see client-error.ts.
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: safe.message,
      data: { ...data, fieldErrors: safe.fieldErrors, reference: safe.reference },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure;

/** A protected procedure's context: the user is signed in. */
export type ProtectedContext = TRPCContext & { user: SignedInUser };

/** Any signed-in user; 401 without a session. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user)
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to use the dashboard" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

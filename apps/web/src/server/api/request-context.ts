// The tRPC context: the session's user and the services. Server components read
// the session as it is (requireUser already refreshed it); the HTTP route may
// write cookies, so it refreshes an ID token near expiry first.
import { refreshedUser } from "../auth/refresh";
import { currentUser } from "../auth/session";
import { services } from "../services";
import type { TRPCContext } from "./trpc";

export async function createRequestContext(): Promise<TRPCContext> {
  return { user: await currentUser(), services: services() };
}

/** For the /api/trpc route handler (calls and subscriptions from the browser). */
export async function createRouteContext(): Promise<TRPCContext> {
  return { user: await refreshedUser(), services: services() };
}

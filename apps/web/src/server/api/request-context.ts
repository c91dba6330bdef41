// The tRPC context of an HTTP request or a server component: the session's user.
import { currentUser } from "../auth/session";
import { services } from "../services";
import type { TRPCContext } from "./trpc";

export async function createRequestContext(): Promise<TRPCContext> {
  return { user: await currentUser(), services: services() };
}

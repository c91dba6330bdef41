// Server-side tRPC for React Server Components: prefetch into a per-request
// QueryClient, then hydrate the client leaves.
import "server-only";
import {
  dehydrate,
  HydrationBoundary,
  type QueryExecuteOptions,
  type QueryKey,
} from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { cache, type ReactElement, type ReactNode } from "react";
import { appRouter } from "../server/api/root";
import { createRequestContext } from "../server/api/request-context";
import { makeQueryClient } from "./query-client";

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({
  router: appRouter,
  ctx: createRequestContext,
  queryClient: getQueryClient,
});

export function HydrateClient({ children }: { children: ReactNode }): ReactElement {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

/** Starts a query on the server; the client leaf picks up the result when it hydrates. */
export async function prefetch<TQueryFnData, TError, TData, TQueryKey extends QueryKey>(
  options: QueryExecuteOptions<TQueryFnData, TError, TData, TQueryFnData, TQueryKey>,
): Promise<void> {
  // A failure stays in the cache as an error state; the client leaf shows it.
  await getQueryClient()
    .query(options)
    .catch(() => undefined);
}

// One QueryClient shape for server prefetch and the browser. No retries on
// 401/403 (retrying cannot help; the UI says why instead).
import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";

const NO_RETRY = new Set([401, 403, 404]);

export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (
      typeof data === "object" &&
      data !== null &&
      "httpStatus" in data &&
      typeof data.httpStatus === "number"
    ) {
      return data.httpStatus;
    }
  }
  return undefined;
}

export function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = httpStatusOf(error);
  return !(status !== undefined && NO_RETRY.has(status)) && failureCount < 3;
}

/** The tRPC path of the fleet's queries (`trpc.fleet.pathKey()`), without a React context. */
const FLEET_PATH_KEY = [["fleet"]];

export function makeQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: shouldRetry },
      mutations: { retry: false },
      dehydrate: {
        shouldDehydrateQuery: (query) =>
          defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
  // The fleet list holds one entry per device (50 000 at scale) and every
  // heartbeat batch replaces it; TanStack's structural sharing would compare
  // old and new entry by entry on each one. Unchanged devices keep their
  // objects anyway (mergeDevices copies references), so sharing saves nothing.
  client.setQueryDefaults(FLEET_PATH_KEY, { structuralSharing: false });
  return client;
}

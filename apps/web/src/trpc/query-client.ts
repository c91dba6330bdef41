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

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: shouldRetry },
      mutations: { retry: false },
      dehydrate: {
        shouldDehydrateQuery: (query) =>
          defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
}

// For tests that go through tRPC's real HTTP handler (what a browser receives):
// one call helper and the env the error formatter's logger validates.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { SignedInUser } from "../server/auth/signed-in-user";
import type { Services } from "../server/services";
import { appRouter } from "../server/api/root";

export interface TrpcBody {
  result?: { data: unknown };
  error?: { message: string; data: { fieldErrors?: Record<string, string> } };
}

/** One procedure call over HTTP: GET with `?input=` for queries, POST with a JSON body for mutations. */
export async function callOverHttp(
  context: { user: SignedInUser; services: Services },
  path: string,
  input: unknown,
  method: "GET" | "POST" = "GET",
): Promise<{ status: number; body: TrpcBody }> {
  const query =
    method === "GET" && input !== undefined
      ? `?input=${encodeURIComponent(JSON.stringify(input))}`
      : "";
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://dashboard.test/api/trpc/${path}${query}`, {
      method,
      ...(method === "POST" && {
        body: JSON.stringify(input),
        headers: { "content-type": "application/json" },
      }),
    }),
    router: appRouter,
    createContext: () => Promise.resolve(context),
  });
  return { status: response.status, body: (await response.json()) as TrpcBody };
}

/** The settings the error formatter's logger reads; nothing here opens NATS or the IdP. */
export function useTestEnv(): void {
  Object.assign(process.env, {
    NATS_WS_URL: "ws://127.0.0.1:1",
    // Only checked to be readable.
    LIVE_TICKET_KEY_FILE: process.execPath,
    OIDC_ISSUER: "https://id.example.com",
    OIDC_CLIENT_ID: "fleet-dashboard",
    OIDC_CLIENT_SECRET: "secret",
    SESSION_SECRET: "0123456789abcdef0123456789abcdef",
    LOG_LEVEL: "silent",
  });
}

// Integration tests assert what the API server answered, not how the client
// library reports it: the HTTP status of a call, or 200 when it succeeded.
import { ApiException } from "@kubernetes/client-node";

export async function statusOf(request: Promise<unknown>): Promise<number> {
  try {
    await request;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

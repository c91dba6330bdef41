import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { shouldRetry } from "./query-client";

const clientError = (httpStatus: number): TRPCClientError<never> =>
  Object.assign(new TRPCClientError<never>("x"), { data: { httpStatus } });

describe("query client - retries", () => {
  it("never retries 401 or 403", () => {
    expect(shouldRetry(0, clientError(401))).toBe(false);
    expect(shouldRetry(0, clientError(403))).toBe(false);
  });
  it("retries other failures a few times", () => {
    expect(shouldRetry(0, clientError(500))).toBe(true);
    expect(shouldRetry(3, clientError(500))).toBe(false);
  });
});

import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  apiStatusMessage,
  httpStatusOf,
  isConflict,
  isNotFound,
  isUnprocessable,
} from "./api-errors.js";

const answered = (code: number): ApiException<unknown> =>
  new ApiException(code, "HTTP error", { message: "whatever the text" }, {});

describe("api errors", () => {
  it("httpStatusOf - the API server's status; undefined for errors it did not answer", () => {
    expect(httpStatusOf(answered(404))).toBe(404);
    expect(httpStatusOf(new Error("404 not found"))).toBeUndefined();
    expect(httpStatusOf({ code: 404 })).toBeUndefined();
  });

  it("isNotFound, isConflict, isUnprocessable - by status only", () => {
    expect([404, 409, 422, 500].map((c) => isNotFound(answered(c)))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect([404, 409, 422].map((c) => isConflict(answered(c)))).toEqual([false, true, false]);
    expect([404, 409, 422].map((c) => isUnprocessable(answered(c)))).toEqual([false, false, true]);
    expect(isNotFound(new Error("not found"))).toBe(false);
  });

  it("apiStatusMessage - the Status message, from a parsed or a text body", () => {
    expect(apiStatusMessage(answered(403))).toBe("whatever the text");
    const text = new ApiException(403, "HTTP error", '{"kind":"Status","message":"forbidden"}', {});
    expect(apiStatusMessage(text)).toBe("forbidden");
    expect(apiStatusMessage(new ApiException(502, "HTTP error", "<html>", {}))).toBeUndefined();
    expect(apiStatusMessage(new Error("forbidden"))).toBeUndefined();
  });
});

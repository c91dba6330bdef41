import { describe, expect, it } from "vitest";
import { readLimitedText, ResponseTooLargeError } from "./limited-body.js";

function streamed(parts: string[], headers: Record<string, string> = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
      controller.close();
    },
  });
  return new Response(body, { headers });
}

describe("size-limited response bodies", () => {
  it("reads a body within the limit", async () => {
    await expect(readLimitedText(streamed(['{"a":', "1}"]), 16)).resolves.toBe('{"a":1}');
  });

  it("stops reading a streamed body past the limit", async () => {
    await expect(readLimitedText(streamed(["x".repeat(10), "x".repeat(10)]), 16)).rejects.toThrow(
      ResponseTooLargeError,
    );
  });

  it("refuses a declared length past the limit without reading", async () => {
    await expect(
      readLimitedText(streamed(["{}"], { "content-length": "100000" }), 16),
    ).rejects.toThrow("response of 100000 bytes exceeds 16");
  });
});

import { describe, expect, it } from "vitest";
import { limitedResponse, readLimitedText, ResponseTooLargeError } from "./limited-body.js";

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

  it("copies a response with its status, headers and body, also one without a body", async () => {
    const copy = await limitedResponse(
      new Response('{"ok":true}', { status: 201, headers: { "x-a": "1" } }),
    );
    expect([copy.status, copy.headers.get("x-a"), await copy.text()]).toEqual([
      201,
      "1",
      '{"ok":true}',
    ]);
    expect((await limitedResponse(new Response(null, { status: 204 }))).status).toBe(204);
  });
});

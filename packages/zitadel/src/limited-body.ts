// Reads a response body with a ceiling, so a misbehaving or hostile server
// cannot make a client buffer without bound.

/** Answers from the IdP are small JSON documents; 64 KiB is generous. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
}

/** The body as text; throws ResponseTooLargeError past `maxBytes` (and cancels the rest). */
export async function readLimitedText(
  response: Response,
  maxBytes: number = MAX_RESPONSE_BYTES,
): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new ResponseTooLargeError(`response of ${declared} bytes exceeds ${maxBytes}`);
  }
  if (response.body === null) return "";
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(`response exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A copy of `response` whose body is at most `maxBytes`, for libraries that read the body themselves. */
export async function limitedResponse(
  response: Response,
  maxBytes: number = MAX_RESPONSE_BYTES,
): Promise<Response> {
  const text = await readLimitedText(response, maxBytes);
  // 204, 205 and 304 may not carry a body, not even an empty one.
  const nullBody = [204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
